# Reference figures of cx-core/tests/rake_reference.rs (issue #19, raking):
# R `survey` (Lumley) raking calibration, then svymean / svyby.
# Run from the repository root: Rscript benches/reference/rake_reference.R
# (data built by benches/reference/rake_data.R).
suppressMessages(library(survey))
p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = " "), "\n")

report <- function(name, d, r, formula, by, keep) {
  # keep: the rows that have the score.
  m <- svymean(formula, r, na.rm = TRUE)
  p(paste(name, "overall mean se"), c(coef(m), SE(m)))
  p(paste(name, "overall ci95"), confint(m))
  w <- weights(r)
  p(paste(name, "overall weightSum effectiveN"), c(sum(w[keep]), sum(w[keep])^2 / sum(w[keep]^2)))
  b <- svyby(formula, by, r, svymean, na.rm = TRUE)
  g <- model.frame(by, r$variables)[[1]]
  for (k in seq_len(nrow(b))) {
    lev <- as.character(b[k, 1])
    inside <- keep & g == lev
    p(paste(name, "domain", lev, "mean se"), c(coef(b)[k], SE(b)[k]))
    p(paste(name, "domain", lev, "weightSum effectiveN"),
      c(sum(w[inside]), sum(w[inside])^2 / sum(w[inside]^2)))
  }
}

# Airline: rake on class x travel, score = Inflight wifi (NA when 0), domains = gender.
air <- read.csv("cx-core/tests/data/rake_airline.csv")
d <- svydesign(ids = ~1, weights = ~weight, data = air)
W <- sum(air$weight)
r <- calibrate(d, ~class + travel,
  population = c(`(Intercept)` = W, classEco = 0.45 * W, `classEco Plus` = 0.10 * W,
                 `travelPersonal Travel` = 0.4 * W),
  calfun = "raking", epsilon = 1e-13)
g <- weights(r) / weights(d)
gc <- tapply(g, list(air$class, air$travel), function(v) v[1])
for (cl in rownames(gc)) for (tr in colnames(gc)) p(paste("airline g", cl, "/", tr), gc[cl, tr])
report("airline", d, r, ~wifi, ~gender, !is.na(air$wifi))

# NPS test data: rake on bu x region, score = NPS points of rec, domains = quarter.
nps <- read.csv("cx-core/tests/data/rake_nps.csv")
nps$y <- ifelse(nps$rec >= 9, 100, ifelse(nps$rec <= 6, -100, 0))
d <- svydesign(ids = ~1, weights = ~weight, data = nps)
W <- sum(nps$weight)
r <- calibrate(d, ~bu + region,
  population = c(`(Intercept)` = W, buBananas = 0.2 * W, buBerries = 0.25 * W,
                 buOranges = 0.25 * W, regionEMEA = 0.3 * W, regionLATAM = 0.1 * W,
                 regionNAM = 0.4 * W),
  calfun = "raking", epsilon = 1e-13)
g <- weights(r) / weights(d)
gc <- tapply(g, list(nps$bu, nps$region), function(v) v[1])
for (b in rownames(gc)) for (rg in colnames(gc)) p(paste("nps g", b, "/", rg), gc[b, rg])
report("nps", d, r, ~y, ~quarter, rep(TRUE, nrow(nps)))
