// A module resolution hook used only by bench/tfjs-epoch.mjs. tfjs-core's Node bundle
// (dist/tf-core.node.js) ships no gradient functions: they are registered by its ES
// module tree (dist/register_all_gradients.js), whose relative imports omit the file
// extension, which Node's ES module loader refuses. This retries such imports inside
// node_modules/@tensorflow with ".js" (or "/index.js") appended, as a bundler would.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const inTfjs = context.parentURL?.includes('/node_modules/@tensorflow/') ?? false;
    if (!inTfjs || !specifier.startsWith('.') || (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'ERR_UNSUPPORTED_DIR_IMPORT')) throw e;
    try {
      return await next(`${specifier}.js`, context);
    } catch {
      return next(`${specifier}/index.js`, context);
    }
  }
}
