// The LAPACK routines Lore calls, from Debian's liblapack-dev (Fortran calling convention:
// every argument by pointer, column-major arrays). liblapack-dev ships no C header.
#ifndef LORE_CLAPACK_SHIM_H
#define LORE_CLAPACK_SHIM_H

/// QR factorization of an m×n matrix.
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
/// Forms the m×n matrix Q with orthonormal columns from sgeqrf's reflectors.
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda,
             const float *tau, float *work, const int *lwork, int *info);
/// Cholesky factorization of a symmetric positive definite matrix.
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
/// Selected eigenvalues and eigenvectors of a real symmetric matrix (MRRR).
void ssyevr_(const char *jobz, const char *range, const char *uplo, const int *n,
             float *a, const int *lda, const float *vl, const float *vu,
             const int *il, const int *iu, const float *abstol, int *m, float *w,
             float *z, const int *ldz, int *isuppz, float *work, const int *lwork,
             int *iwork, const int *liwork, int *info);

#endif
