# Extracts the real multi-feature data sets of data/multi/ from R packages, one raw CSV per
# set (numeric columns only, target last, complete rows only, rows in source order) into the
# folder given as the first argument. Not meant to be run alone: scripts/make-multi-data.py
# runs it, then subsamples, splits and writes data/multi/ (see data/multi/README.md).
#
#   Rscript scripts/extract-multi-data.R OUTDIR
#
# Needs Debian's r-base-core, r-cran-mlbench, r-cran-mass, r-cran-aer, r-cran-hsaur3 and
# r-cran-robustbase (apt-get install -y --no-install-recommends ...). For the benchmark only.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "benchmark-data-writer.R"))
out <- output_dir("scripts/extract-multi-data.R")

suppressPackageStartupMessages({
  library(mlbench)
  library(MASS)
  library(AER)
  library(HSAUR3)
  library(robustbase)
})

yes_no <- function(f) as.numeric(f == "yes")

# mlbench: Boston housing (Harrison & Rubinfeld 1978), chas (a 0/1 factor) as a number.
data(BostonHousing, package = "mlbench")
bh <- BostonHousing
bh$chas <- as.numeric(as.character(bh$chas))
write_set("boston", bh, "medv")

# R's datasets package.
write_set("mtcars", mtcars, "mpg")
write_set("life_cycle_savings", LifeCycleSavings, "sr")
write_set("rock", rock, "perm")
write_set("quakes", quakes, "mag")
write_set("airquality", airquality, "Ozone")
write_set("swiss", swiss, "Fertility")
write_set("attitude", attitude, "rating")
write_set("state_x77", as.data.frame(state.x77), "Life Exp")
write_set("us_judge_ratings", USJudgeRatings, "RTEN")

# MASS.
write_set("cpus", cpus[, c("syct", "mmin", "mmax", "cach", "chmin", "chmax", "perf")], "perf")
write_set("us_crime", UScrime, "y")

# AER.
data(CASchools, package = "AER")
write_set("ca_schools", CASchools[, c("students", "teachers", "calworks", "lunch", "computer",
                                      "expenditure", "income", "english", "read")], "read")
data(HousePrices, package = "AER")
hp <- HousePrices
for (col in c("driveway", "recreation", "fullbase", "gasheat", "aircon", "prefer")) hp[[col]] <- yes_no(hp[[col]])
write_set("house_prices", hp, "price")

# HSAUR3.
data(USairpollution, package = "HSAUR3")
write_set("us_air_pollution", USairpollution, "SO2")

# robustbase: NOx (julday, a factor of day numbers, as a number).
data(NOxEmissions, package = "robustbase")
nox <- NOxEmissions
nox$julday <- as.numeric(as.character(nox$julday))
write_set("nox_emissions", nox[, c("julday", "LNOxEm", "sqrtWS", "LNOx")], "LNOx")
