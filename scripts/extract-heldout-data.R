# Extracts the real R data sets of the held-out benchmark data/heldout/, one raw CSV per set
# (numeric columns only, target last, complete rows only, rows in source order) into the folder
# given as the first argument. Not meant to be run alone: scripts/make-heldout-data.py runs it,
# then adds the vega-datasets sets, subsamples, splits and writes data/heldout/ (see
# data/heldout/README.md).
#
#   Rscript scripts/extract-heldout-data.R OUTDIR
#
# Needs Debian's r-base-core, r-cran-mass and r-cran-cardata. For the benchmark only.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "benchmark-data-writer.R"))
out <- output_dir("scripts/extract-heldout-data.R")

suppressPackageStartupMessages({
  library(MASS)
  library(carData)
})

# R's datasets package. freeny's y is a quarterly time series: its plain values.
fr <- freeny
fr$y <- as.numeric(fr$y)
write_set("freeny", fr, "y")
write_set("us_arrests", USArrests, "Murder")

# MASS: birth weight (g). `low` is bwt < 2500 (the target itself) and `race` has three
# unordered levels: both dropped.
write_set("birthwt", birthwt[, c("age", "lwt", "smoke", "ptl", "ht", "ui", "ftv", "bwt")], "bwt")

# carData.
# Highway1: `htype` (four unordered levels) dropped.
write_set("highway1", Highway1[, setdiff(names(Highway1), "htype")], "rate")
er <- Ericksen
er$city <- as.numeric(er$city == "city")
write_set("ericksen", er, "undercount")
# Prestige: `census` is an occupation code (an id) and `type` has three levels (and 4 NA).
write_set("prestige", Prestige[, c("education", "income", "women", "prestige")], "prestige")
# Salaries: `rank` is ordered (AsstProf < AssocProf < Prof), kept as its level number 1-3.
sa <- Salaries
sa$rank <- as.numeric(sa$rank)
sa$discipline <- as.numeric(sa$discipline == "B")
sa$sex <- as.numeric(sa$sex == "Male")
write_set("salaries", sa, "salary")
# SLID: `language` (three levels) dropped; rows with a missing wage or education dropped.
sl <- SLID[, c("education", "age", "sex", "wages")]
sl$sex <- as.numeric(sl$sex == "Male")
write_set("slid", sl, "wages")
