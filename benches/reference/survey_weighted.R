# Reference figures of cx-core/tests/survey_reference.rs (issue #19):
# weighted scores as R `survey` (svydesign(ids = ~1, weights = ~w)) gives
# them, the comparison tests and p.adjust.
#
#   Rscript benches/reference/survey_weighted.R [/work/shared/testdata]
#
# Weights are constructed, deterministic: for data row i (1-based),
#   w = 0.5 + ((i - 1) %% 7) / 4        (0.5, 0.75, ..., 2.0)
# The script also writes the small data the test reads
# (cx-core/tests/data/survey_nps_testdata.csv, survey_airline_wifi.csv).
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "/work/shared/testdata"
out <- "cx-core/tests/data"
options(digits = 17)
f <- function(name, x) cat(sprintf("%s = %s\n", name, paste(sprintf("%.17g", x), collapse = ", ")))

# ---- nps_testdata.csv ------------------------------------------------------
d <- read.csv(file.path(dir, "nps_testdata.csv"))
d$row <- seq_len(nrow(d))
d$w <- 0.5 + ((d$row - 1) %% 7) / 4
d$one <- 1
d$nps <- ifelse(d$REC >= 9, 100, ifelse(d$REC <= 6, -100, 0))
d$promoter <- as.numeric(d$REC >= 9)
d$taste <- d$Product.Tastiness
write.csv(d[, c("row", "REC", "Product.Tastiness", "Region")],
          file.path(out, "survey_nps_testdata.csv"), row.names = FALSE, quote = FALSE)

for (wt in c("w", "one")) {
  des <- svydesign(ids = ~1, weights = as.formula(paste0("~", wt)), data = d)
  cat("# design weights ~", wt, "\n")
  for (v in c("nps", "taste")) {
    m <- svymean(as.formula(paste0("~", v)), des)
    f(paste(wt, v, "value se"), c(coef(m), SE(m)))
    f(paste(wt, v, "confint"), confint(m))
  }
  p <- svyciprop(~I(promoter == 1), des, method = "logit")
  f(paste(wt, "promoter share value se"), c(coef(p), SE(p)))
  f(paste(wt, "promoter share ci"), confint(p))
  f(paste(wt, "effective n"), sum(weights(des))^2 / sum(weights(des)^2))
  f(paste(wt, "weight sum"), sum(weights(des)))
}

# Domains: svyby over Region; design_n = the whole design (1000).
des <- svydesign(ids = ~1, weights = ~w, data = d)
cat("# svyby ~Region (APAC, EMEA, LATAM, NAM)\n")
b <- svyby(~nps, ~Region, des, svymean)
f("by nps value", coef(b)); f("by nps se", SE(b))
ci <- confint(b); f("by nps low", ci[, 1]); f("by nps high", ci[, 2])
b <- svyby(~taste, ~Region, des, svymean)
f("by taste value", coef(b)); f("by taste se", SE(b))
bp <- svyby(~I(promoter == 1), ~Region, des, svyciprop, method = "logit", vartype = c("se", "ci"))
f("by promoter value", coef(bp)); f("by promoter se", SE(bp))
# The logit intervals are the ci_l/ci_u columns (confint() of a svyby object
# is a symmetric Wald interval instead); each domain's t has degf of the
# domain's subset design: its responses - 1.
f("by promoter low", bp$ci_l); f("by promoter high", bp$ci_u)
for (r in sort(unique(d$Region))) {
  s <- d$Region == r
  f(paste("by", r, "n effn wsum"), c(sum(s), sum(d$w[s])^2 / sum(d$w[s]^2), sum(d$w[s])))
}

# ---- compare: NAM against EMEA ---------------------------------------------
cat("# compare NAM - EMEA\n")
x <- d$taste[d$Region == "NAM"]; y <- d$taste[d$Region == "EMEA"]
tt <- t.test(x, y)
f("welch unweighted delta df p", c(mean(x) - mean(y), tt$parameter, tt$p.value))
# Weighted: the domain estimates of svyby; Welch-Satterthwaite df from the
# two variances with n1 - 1 and n2 - 1 (cx's choice, written out here).
welch <- function(m1, v1, n1, m2, v2, n2) {
  se <- sqrt(v1 + v2); df <- (v1 + v2)^2 / (v1^2 / (n1 - 1) + v2^2 / (n2 - 1))
  c(m1 - m2, se, df, 2 * pt(-abs((m1 - m2) / se), df))
}
ztest <- function(m1, v1, m2, v2) {
  se <- sqrt(v1 + v2); c(m1 - m2, se, 2 * pnorm(-abs((m1 - m2) / se)))
}
n1 <- sum(d$Region == "NAM"); n2 <- sum(d$Region == "EMEA")
b <- svyby(~taste, ~Region, des, svymean)
wel <- welch(coef(b)["NAM"], SE(b)[4]^2, n1, coef(b)["EMEA"], SE(b)[2]^2, n2)
f("welch weighted delta se df p", wel)
b <- svyby(~nps, ~Region, des, svymean)
zn <- ztest(coef(b)["NAM"], SE(b)[4]^2, coef(b)["EMEA"], SE(b)[2]^2)
f("nps weighted delta se p", zn)
zp <- ztest(100 * coef(bp)["NAM"], (100 * SE(bp)[4])^2, 100 * coef(bp)["EMEA"], (100 * SE(bp)[2])^2)
f("share weighted delta se p", zp)
p1 <- mean(d$promoter[d$Region == "NAM"]); p2 <- mean(d$promoter[d$Region == "EMEA"])
zu <- ztest(100 * p1, 1e4 * p1 * (1 - p1) / n1, 100 * p2, 1e4 * p2 * (1 - p2) / n2)
f("share unweighted delta se p", zu)

# p.adjust: the four p-values above and a fixed vector with ties.
ps <- c(tt$p.value, wel[4], zn[3], zp[3], zu[3], 0.01, 0.04, 0.04, 0.03, 0.5, 0.001, 0.03, 1)
f("p", ps)
f("holm", p.adjust(ps, "holm"))
f("BH", p.adjust(ps, "BH"))

# ---- airline: Inflight wifi service (1-5, 0 = not applicable) by Class -----
a <- read.csv(file.path(dir, "airline_passenger_satisfaction.csv"), check.names = FALSE)
a$row <- seq_len(nrow(a))
a$k <- (a$row - 1) %% 7
a$w <- 0.5 + a$k / 4
a$wifi <- a[["Inflight wifi service"]]
agg <- aggregate(list(count = a$row), list(Class = a$Class, rating = a$wifi, k = a$k), length)
agg <- agg[order(agg$Class, agg$rating, agg$k), ]
write.csv(agg, file.path(out, "survey_airline_wifi.csv"), row.names = FALSE, quote = FALSE)
# The attribute's design: the applicable ratings (1-5) of the selection.
app <- a[a$wifi != 0, ]
app$top2 <- as.numeric(app$wifi >= 4)
ades <- svydesign(ids = ~1, weights = ~w, data = app)
cat("# airline wifi by Class (Business, Eco, Eco Plus); design n =", nrow(app), "\n")
b <- svyby(~wifi, ~Class, ades, svymean)
f("wifi mean", coef(b)); f("wifi se", SE(b))
ci <- confint(b); f("wifi low", ci[, 1]); f("wifi high", ci[, 2])
b <- svyby(~I(top2 == 1), ~Class, ades, svyciprop, method = "logit", vartype = c("se", "ci"))
f("wifi top2", coef(b)); f("wifi top2 se", SE(b))
f("wifi top2 low", b$ci_l); f("wifi top2 high", b$ci_u)
for (cl in sort(unique(app$Class))) {
  s <- app$Class == cl
  f(paste("wifi", cl, "n effn wsum"), c(sum(s), sum(app$w[s])^2 / sum(app$w[s]^2), sum(app$w[s])))
}
