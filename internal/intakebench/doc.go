// Package intakebench measures how fast the portal files requests against a bare baseline on the
// same PostgreSQL, in the same run: see intake_bench_test.go and `make bench-intake`.
package intakebench
