// CBLAS from Debian's libblas-dev (reference BLAS, or OpenBLAS through alternatives).
#include <cblas.h>
