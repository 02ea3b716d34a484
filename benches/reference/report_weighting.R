# Reference figures of cx-core/tests/report_weighting.rs: a small survey of
# four months (January to April 2026), 120 responses a month, built by the
# same formulas as the test's records, raked on class (Business 0.5,
# Eco 0.5) and compared month against month (NPS, Holm over the trend).
# Run: Rscript benches/reference/report_weighting.R
suppressMessages(library(survey))
options(digits = 17)
d <- expand.grid(i = 0:119, m = 1:4)
d$class <- ifelse(d$i %% 3 == 0, "Business", "Eco")
d$w <- 0.5 + (d$i %% 5) * 0.5
d$nps <- ifelse(d$m < 4, d$i %% 11, ifelse(d$i %% 11 < 8, 10, 3))
d$y <- ifelse(d$nps >= 9, 100, ifelse(d$nps <= 6, -100, 0))
des <- svydesign(ids = ~1, weights = ~w, data = d)
W <- sum(d$w)
r <- calibrate(des, ~class, population = c(`(Intercept)` = W, classEco = 0.5 * W),
               calfun = "raking", epsilon = 1e-13)
w <- weights(r)
cat("weight_sum", sum(w), "\n")
cat("effective_n", sum(w)^2 / sum(w^2), "\n")
s <- svymean(~y, r)
cat("nps", coef(s), SE(s), "\n")
b <- svyby(~y, ~m, r, svymean)
cat("monthly", coef(b), "\n")
cat("monthly_se", SE(b), "\n")
delta <- diff(coef(b))
se <- sqrt(SE(b)[-1]^2 + SE(b)[-4]^2)
p <- 2 * pnorm(-abs(delta / se))
cat("delta", delta, "\n")
cat("p", p, "\n")
cat("holm", p.adjust(p, "holm"), "\n")
