# Reference figures of cx-core/tests/rake_reference.rs, the rank-deficient
# case (issue #19): the value z of `a` occurs only with the value r of `b`,
# so the indicators of ~a + b have rank 4 of 5 columns; R's calibrate (ginv)
# and svyrecvar (qr.resid on the rank-deficient qr) handle it.
# Run: Rscript benches/reference/rake_confounded.R
suppressMessages(library(survey))
p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = " "), "\n")
dat <- data.frame(
  a = c("x", "x", "x", "x", "x", "y", "y", "y", "y", "y", "y", "z", "z", "z"),
  b = c("p", "p", "q", "q", "q", "p", "p", "p", "q", "q", "p", "r", "r", "r"),
  y = c(  1,   4,   5,   2,   3,   5,   4,   1,   2,   5,   3,   4,   2,   5),
  w = c(1.5,   2, 0.5,   1, 2.5,   1,   3, 1.5,   2,   1, 0.5,   1,   2, 1.5),
  dom = c("u", "v", "u", "v", "u", "v", "u", "v", "u", "v", "u", "v", "u", "v")
)
d <- svydesign(ids = ~1, weights = ~w, data = dat)
W <- sum(dat$w)
r <- calibrate(d, ~a + b,
  population = c(`(Intercept)` = W, ay = 0.4 * W, az = 0.2 * W, bq = 0.35 * W, br = 0.2 * W),
  calfun = "raking", epsilon = 1e-13)
g <- weights(r) / weights(d)
p("g x/p x/q y/p y/q z/r", c(g[1], g[3], g[6], g[9], g[12]))
m <- svymean(~y, r)
w <- weights(r)
p("overall mean se weightSum effectiveN", c(coef(m), SE(m), sum(w), sum(w)^2 / sum(w^2)))
b <- svyby(~y, ~dom, r, svymean)
for (k in 1:2) {
  inside <- dat$dom == b[k, 1]
  p(paste("domain", b[k, 1], "mean se weightSum effectiveN"),
    c(coef(b)[k], SE(b)[k], sum(w[inside]), sum(w[inside])^2 / sum(w[inside]^2)))
}
