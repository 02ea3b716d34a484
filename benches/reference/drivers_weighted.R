# Reference figures of cx-core/tests/drivers_weighted.rs (issue #19,
# "relative-importance drivers use weighted co-moments"). Run from the
# repository root:
#   Rscript benches/reference/drivers_weighted.R /path/to/testdata
# where testdata holds airline_passenger_satisfaction.csv. Writes
# cx-core/tests/data/drivers_airline.csv and prints the figures.
#
# Data: the first 300 records of the airline survey; the 14 rated services
# (0 = not applicable, left out: listwise deletion); overall = 1 when
# satisfied, else 0; a constructed 0–10 recommendation
# min(10, seat comfort + entertainment + id mod 3); a constructed weight
# 0.5 + (id mod 9) / 4 (exact in millionths; id mod 9 = 2 gives weight 1).
# No R package beyond base (relaimpo is not installed): Johnson's weights
# from the eigen-decomposition of the weighted correlation matrix, LMG as
# the Shapley average over all 2^14 subsets of weighted least squares
# (lm.wfit) R².
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "/work/shared/testdata"
a <- read.csv(file.path(dir, "airline_passenger_satisfaction.csv"), check.names = FALSE)[1:300, ]
attrs <- c("Inflight wifi service", "Departure/Arrival time convenient",
  "Ease of Online booking", "Gate location", "Food and drink", "Online boarding",
  "Seat comfort", "Inflight entertainment", "On-board service", "Leg room service",
  "Baggage handling", "Checkin service", "Inflight service", "Cleanliness")
d <- a[, c("id", "Class", "Type of Travel", "Gender", attrs, "satisfaction")]
d$Recommend <- pmin(10, a[["Seat comfort"]] + a[["Inflight entertainment"]] + a$id %% 3)
d$weight <- 0.5 + (a$id %% 9) / 4
write.csv(d, "cx-core/tests/data/drivers_airline.csv", row.names = FALSE)

x <- as.matrix(d[, attrs])
keep <- apply(x != 0, 1, all)
w <- d$weight[keep]
x <- x[keep, ]
outcomes <- list(overall = as.numeric(d$satisfaction[keep] == "satisfied"),
                 nps = d$Recommend[keep])
fmt <- function(v) paste0("[", paste(sprintf("%.17g", v), collapse = ", "), "]")
cat("complete cases:", sum(keep), " sum of weights:", sprintf("%.17g", sum(w)), "\n")
for (o in names(outcomes)) {
  y <- outcomes[[o]]
  m <- cbind(x, y)
  cw <- cov.wt(m, wt = w, cor = TRUE)$cor
  k <- ncol(x)
  rxx <- cw[1:k, 1:k]; rxy <- cw[1:k, k + 1]
  r2 <- summary(lm(y ~ x, weights = w))$r.squared
  # Johnson: Rxx = V diag(l) V'; Lambda = Rxx^(1/2); beta = Lambda^-1 rxy.
  e <- eigen(rxx, symmetric = TRUE)
  lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  beta <- solve(lam, rxy)
  johnson <- as.vector((lam^2) %*% beta^2)
  # LMG: R² of every subset by weighted least squares.
  sub <- numeric(2^k)
  ybar <- sum(w * y) / sum(w); tss <- sum(w * (y - ybar)^2)
  for (mask in 1:(2^k - 1)) {
    s <- which(bitwAnd(mask, 2^(0:(k - 1))) != 0)
    f <- lm.wfit(cbind(1, x[, s, drop = FALSE]), y, w)
    sub[mask + 1] <- 1 - sum(w * f$residuals^2) / tss
  }
  lmg <- numeric(k)
  for (mask in 0:(2^k - 1)) {
    s <- sum(bitwAnd(mask, 2^(0:(k - 1))) != 0)
    for (j in 1:k) if (bitwAnd(mask, 2^(j - 1)) == 0) {
      wt <- factorial(s) * factorial(k - s - 1) / factorial(k)
      lmg[j] <- lmg[j] + wt * (sub[bitwOr(mask, 2^(j - 1)) + 1] - sub[mask + 1])
    }
  }
  cat("\n== outcome", o, "==\n")
  cat("cov.wt cor (outcome row):", fmt(rxy), "\n")
  cat("cov.wt cor[7, 8] (seat comfort, entertainment):", sprintf("%.17g", cw[7, 8]), "\n")
  cat("cov.wt cor[1, 14] (wifi, cleanliness):", sprintf("%.17g", cw[1, 14]), "\n")
  cat("weighted means:", fmt(colSums(m * w) / sum(w)), "\n")
  cat("lm weighted r.squared:", sprintf("%.17g", r2), "\n")
  cat("lm.wfit r.squared (all 14):", sprintf("%.17g", sub[2^k]), "\n")
  cat("johnson:", fmt(johnson), " sum:", sprintf("%.17g", sum(johnson)), "\n")
  cat("lmg:", fmt(lmg), " sum:", sprintf("%.17g", sum(lmg)), "\n")
  cat("unweighted cor (outcome row):", fmt(cor(m)[1:k, k + 1]), "\n")
  cat("unweighted lm r.squared:", sprintf("%.17g", summary(lm(y ~ x))$r.squared), "\n")
}
