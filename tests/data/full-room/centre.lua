-- A tiny centre (found by test_solver_brute) whose optimum, 544, needs one
-- exchange: k3, without any activity, takes k0's place in s1, because the
-- IKC holds two children at once. k0 keeps s3. Until ejection chains also
-- let members of the child's own section make room at a full location, 5 of
-- 21 solver seeds stopped at 463. tests/cli/test_solve.sh solves it.
centre { id = "brute", name = "Brute", timezone = "Europe/Amsterdam",
  country = "NL", home = "ikc", max_activities = 2 }
