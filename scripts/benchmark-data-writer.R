# The writer both benchmark extractors (extract-multi-data.R, extract-heldout-data.R) source,
# so the two suites share one format. Writes into the global `out` the caller set.

# The one argument, OUTDIR, created if need be.
output_dir <- function(script) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) != 1) stop(sprintf("usage: Rscript %s OUTDIR", script))
  dir.create(args[1], showWarnings = FALSE, recursive = TRUE)
  args[1]
}

# Column names safe for --features lists: lower case, [a-z0-9_] only.
clean_names <- function(n) {
  n <- tolower(gsub("[^A-Za-z0-9]+", "_", n))
  gsub("^_|_$", "", n)
}

write_set <- function(name, df, target) {
  df <- as.data.frame(df)
  stopifnot(target %in% names(df))
  df <- df[, c(setdiff(names(df), target), target)]
  for (col in names(df)) {
    if (!is.numeric(df[[col]])) stop(sprintf("%s: column %s is not numeric", name, col))
  }
  n_before <- nrow(df)
  df <- df[complete.cases(df), , drop = FALSE]
  names(df) <- clean_names(names(df))
  path <- file.path(out, paste0(name, ".csv"))
  # 15 significant digits: every source value round-trips exactly.
  write.table(format(df, digits = 15, trim = TRUE, scientific = FALSE), path, sep = ",",
              quote = FALSE, row.names = FALSE)
  cat(sprintf("%-20s %5d rows (%d with NA dropped), %2d features -> %s\n", name, nrow(df),
              n_before - nrow(df), ncol(df) - 1, names(df)[ncol(df)]))
}
