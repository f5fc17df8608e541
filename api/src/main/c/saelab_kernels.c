/*
 * Native versions of the batch kernels of org.saelab.api.Kernels, for CPUs with AVX2 and FMA.
 *
 * Every output lane is computed by the same float operations, in the same order, as the lane of
 * the Java SIMD kernel (org.saelab.api.SimdKernels with 8-float vectors) and its plain twin
 * (org.saelab.api.ExactKernels): one fused multiply-add where the lane fuses one, the same partial
 * sums, lane reductions from lane 0 on, starting from +0. So a run gives the same floats, bit for
 * bit, whichever of the three runs. The file is compiled with -ffp-contract=off so that the
 * compiler adds no fusions of its own.
 *
 * What differs is the memory traffic: rows are read and written to their end with masked loads
 * and stores instead of whole padded vectors, so no row reads past its end and padding is not
 * computed. Lanes past a row's end only ever meet zero weights in the Java version; their
 * products are zeros, which leave the lane reductions unchanged (a reduction that starts from +0
 * gives the same result for +0 and -0 lanes).
 *
 * Index arguments are checked: a kernel returns a negative code instead of reading out of
 * bounds, and the Java side turns it into an exception.
 */
#include <jni.h>
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#define L 8

#define BAD_INDEX (-1)

/* ---------------------------------------------------------------------------------------------
 * The kernels, compiled for AVX2 and FMA. Only called after cpuSupported() said yes.
 * ------------------------------------------------------------------------------------------- */
#pragma GCC push_options
#pragma GCC target("avx2,fma")

/* The mask of the first n lanes (0 <= n <= 8). */
static inline __m256i first_lanes(int n) {
    static const int32_t ramp[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *) (ramp + 8 - n));
}

/*
 * Whether a code's rows ascend within [0, batch) and its latents lie in [0, width): eight entries
 * at a time, each compared with the one before it, the violations gathered without a branch.
 */
static inline __attribute__((always_inline)) int code_is_valid(const int32_t *codeRows, const int32_t *codeLatents, int count, int batch, int width) {
    if (count <= 0) {
        return 1;
    }
    if (codeRows[0] < 0 || codeRows[0] >= batch || codeLatents[0] < 0 || codeLatents[0] >= width) {
        return 0;
    }
    const __m256i zero = _mm256_setzero_si256();
    const __m256i rowMax = _mm256_set1_epi32(batch - 1);
    const __m256i latentMax = _mm256_set1_epi32(width - 1);
    __m256i bad = zero;
    int e = 1;
    for (; e + L <= count; e += L) {
        __m256i r = _mm256_loadu_si256((const __m256i *) (codeRows + e));
        __m256i before = _mm256_loadu_si256((const __m256i *) (codeRows + e - 1));
        __m256i j = _mm256_loadu_si256((const __m256i *) (codeLatents + e));
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(before, r));
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(r, rowMax));
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(zero, j));
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(j, latentMax));
    }
    if (!_mm256_testz_si256(bad, bad)) {
        return 0;
    }
    for (; e < count; e++) {
        int b = codeRows[e];
        int j = codeLatents[e];
        if (b < codeRows[e - 1] || b >= batch || j < 0 || j >= width) {
            return 0;
        }
    }
    return 1;
}

/* CALL(k) with k the constant 1..8 equal to nv (8 for anything larger): kernels specialised by vector count. */
#define SWITCH_VECTORS(nv, CALL) \
    switch (nv) { \
        case 1: CALL(1); break; \
        case 2: CALL(2); break; \
        case 3: CALL(3); break; \
        case 4: CALL(4); break; \
        case 5: CALL(5); break; \
        case 6: CALL(6); break; \
        case 7: CALL(7); break; \
        default: CALL(8); break; \
    }

/* Sum of the lanes from lane 0 on, starting from +0, in float. */
static inline float reduce_in_order(__m256 v) {
    float lanes[L];
    _mm256_storeu_ps(lanes, v);
    float s = 0.0f;
    for (int l = 0; l < L; l++) {
        s += lanes[l];
    }
    return s;
}

static void k_subtract_row(const float *x, int rows, int dim, const float *bias, float *out) {
    int bound = dim - dim % L;
    for (int r = 0; r < rows; r++) {
        const float *in = x + (size_t) r * dim;
        float *o = out + (size_t) r * dim;
        int i = 0;
        for (; i < bound; i += L) {
            _mm256_storeu_ps(o + i, _mm256_sub_ps(_mm256_loadu_ps(in + i), _mm256_loadu_ps(bias + i)));
        }
        for (; i < dim; i++) {
            o[i] = in[i] - bias[i];
        }
    }
}

static void k_add_column_sums(const float *x, int rows, int dim, float *acc) {
    int bound = dim - dim % L;
    int i = 0;
    for (; i < bound; i += L) {
        __m256 s0 = _mm256_setzero_ps();
        __m256 s1 = _mm256_setzero_ps();
        int r = 0;
        for (; r + 2 <= rows; r += 2) {
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + (size_t) r * dim + i));
            s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + (size_t) (r + 1) * dim + i));
        }
        if (r < rows) {
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + (size_t) r * dim + i));
        }
        _mm256_storeu_ps(acc + i, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_loadu_ps(acc + i)));
    }
    for (; i < dim; i++) {
        float s = 0.0f;
        for (int r = 0; r < rows; r++) {
            s += x[(size_t) r * dim + i];
        }
        acc[i] += s;
    }
}

/*
 * Stores the first n lanes of v at p: as up to three plain stores of 4, 2 and 1 lanes, not a
 * masked store (vmaskmovps to memory takes tens of cycles on AMD's cores).
 */
static inline void store_lanes(float *p, __m256 v, int n) {
    if (n >= L) {
        _mm256_storeu_ps(p, v);
        return;
    }
    __m128 part = _mm256_castps256_ps128(v);
    if (n >= 4) {
        _mm_storeu_ps(p, part);
        part = _mm256_extractf128_ps(v, 1);
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        _mm_storel_pi((__m64 *) p, part);
        part = _mm_movehl_ps(part, part);
        p += 2;
        n -= 2;
    }
    if (n >= 1) {
        _mm_store_ss(p, part);
    }
}

/* Loads the first n lanes at p, zeros in the others. */
static inline __m256 load_lanes(const float *p, int n) {
    if (n >= L) {
        return _mm256_loadu_ps(p);
    }
    return _mm256_maskload_ps(p, first_lanes(n));
}

/*
 * raw[r, j] = bias[j] + sum_i c[r, i] w[i, j] (one FMA per input, in order); scaled = raw * norms.
 * Four rows and up to three vectors of latents at a time: twelve independent FMA chains.
 */
static void k_affine_rows(const float *c, int rows, int dim, const float *w, int paddedWidth, const float *bias,
        const float *norms, int width, float *raw, float *scaled, const float *x, const float *center) {
    int blocks = (width + L - 1) / L;
    for (int v0 = 0; v0 < blocks; v0 += 3) {
        int nb = blocks - v0 < 3 ? blocks - v0 : 3;
        int col = v0 * L;
        __m256 b0 = _mm256_loadu_ps(bias + col);
        __m256 b1 = nb > 1 ? _mm256_loadu_ps(bias + col + L) : b0;
        __m256 b2 = nb > 2 ? _mm256_loadu_ps(bias + col + 2 * L) : b0;
        __m256 n0 = _mm256_loadu_ps(norms + col);
        __m256 n1 = nb > 1 ? _mm256_loadu_ps(norms + col + L) : n0;
        __m256 n2 = nb > 2 ? _mm256_loadu_ps(norms + col + 2 * L) : n0;
        int c0 = width - col;
        int c1 = c0 - L;
        int c2 = c0 - 2 * L;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            if (x && v0 == 0) {
                /* with x, c = x - center, written four rows at a time just before they are read */
                k_subtract_row(x + (size_t) r * dim, 4, dim, center, (float *) c + (size_t) r * dim);
            }
            __m256 a00 = b0, a01 = b1, a02 = b2;
            __m256 a10 = b0, a11 = b1, a12 = b2;
            __m256 a20 = b0, a21 = b1, a22 = b2;
            __m256 a30 = b0, a31 = b1, a32 = b2;
            const float *row = c + (size_t) r * dim;
            const float *wi = w + col;
            for (int i = 0; i < dim; i++, wi += paddedWidth) {
                __m256 w0 = _mm256_loadu_ps(wi);
                __m256 w1 = _mm256_loadu_ps(wi + (nb > 1 ? L : 0));
                __m256 w2 = _mm256_loadu_ps(wi + (nb > 2 ? 2 * L : 0));
                __m256 v = _mm256_broadcast_ss(row + i);
                a00 = _mm256_fmadd_ps(w0, v, a00);
                a01 = _mm256_fmadd_ps(w1, v, a01);
                a02 = _mm256_fmadd_ps(w2, v, a02);
                v = _mm256_broadcast_ss(row + dim + i);
                a10 = _mm256_fmadd_ps(w0, v, a10);
                a11 = _mm256_fmadd_ps(w1, v, a11);
                a12 = _mm256_fmadd_ps(w2, v, a12);
                v = _mm256_broadcast_ss(row + 2 * dim + i);
                a20 = _mm256_fmadd_ps(w0, v, a20);
                a21 = _mm256_fmadd_ps(w1, v, a21);
                a22 = _mm256_fmadd_ps(w2, v, a22);
                v = _mm256_broadcast_ss(row + 3 * dim + i);
                a30 = _mm256_fmadd_ps(w0, v, a30);
                a31 = _mm256_fmadd_ps(w1, v, a31);
                a32 = _mm256_fmadd_ps(w2, v, a32);
            }
            __m256 acc[4][3] = {{a00, a01, a02}, {a10, a11, a12}, {a20, a21, a22}, {a30, a31, a32}};
            for (int q = 0; q < 4; q++) {
                size_t at = (size_t) (r + q) * width + col;
                store_lanes(raw + at, acc[q][0], c0);
                store_lanes(scaled + at, _mm256_mul_ps(acc[q][0], n0), c0);
                if (nb > 1) {
                    store_lanes(raw + at + L, acc[q][1], c1);
                    store_lanes(scaled + at + L, _mm256_mul_ps(acc[q][1], n1), c1);
                }
                if (nb > 2) {
                    store_lanes(raw + at + 2 * L, acc[q][2], c2);
                    store_lanes(scaled + at + 2 * L, _mm256_mul_ps(acc[q][2], n2), c2);
                }
            }
        }
        for (; r < rows; r++) {
            if (x && v0 == 0) {
                k_subtract_row(x + (size_t) r * dim, 1, dim, center, (float *) c + (size_t) r * dim);
            }
            __m256 a0 = b0, a1 = b1, a2 = b2;
            const float *row = c + (size_t) r * dim;
            const float *wi = w + col;
            for (int i = 0; i < dim; i++, wi += paddedWidth) {
                __m256 v = _mm256_broadcast_ss(row + i);
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(wi), v, a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(wi + (nb > 1 ? L : 0)), v, a1);
                a2 = _mm256_fmadd_ps(_mm256_loadu_ps(wi + (nb > 2 ? 2 * L : 0)), v, a2);
            }
            size_t at = (size_t) r * width + col;
            store_lanes(raw + at, a0, c0);
            store_lanes(scaled + at, _mm256_mul_ps(a0, n0), c0);
            if (nb > 1) {
                store_lanes(raw + at + L, a1, c1);
                store_lanes(scaled + at + L, _mm256_mul_ps(a1, n1), c1);
            }
            if (nb > 2) {
                store_lanes(raw + at + 2 * L, a2, c2);
                store_lanes(scaled + at + 2 * L, _mm256_mul_ps(a2, n2), c2);
            }
        }
    }
}

#define INLINE static inline __attribute__((always_inline))

/* One row's nv (a constant after inlining) vectors of the decode: bias, then one FMA per entry. */
INLINE void decode_row(const int32_t *latents, const float *scales, int e, int last, const float *w, int paddedDim,
        const float *bias, int v0, int nv, int dim, float *o) {
    __m256 a[8];
    for (int v = 0; v < nv; v++) {
        a[v] = _mm256_loadu_ps(bias + (v0 + v) * L);
    }
    for (int x = e; x < last; x++) {
        const float *from = w + (size_t) latents[x] * paddedDim + v0 * L;
        __m256 s = _mm256_set1_ps(scales[x]);
        for (int v = 0; v < nv; v++) {
            a[v] = _mm256_fmadd_ps(_mm256_loadu_ps(from + v * L), s, a[v]);
        }
    }
    for (int v = 0; v < nv - 1; v++) {
        _mm256_storeu_ps(o + (v0 + v) * L, a[v]);
    }
    int at = (v0 + nv - 1) * L;
    store_lanes(o + at, a[nv - 1], dim - at);
}

/* Rows of the decode with nv vectors from vector v0 on (nv a constant after inlining). */
INLINE int decode_rows(const int32_t *rowOf, const int32_t *latents, const float *scales, int count, const float *w,
        int paddedDim, int wRows, const float *bias, int rows, int dim, float *out, int v0, int nv) {
    int e = 0;
    for (int b = 0; b < rows; b++) {
        int last = e;
        while (last < count && rowOf[last] == b) {
            int j = latents[last];
            if (j < 0 || j >= wRows) {
                return BAD_INDEX;
            }
            last++;
        }
        decode_row(latents, scales, e, last, w, paddedDim, bias, v0, nv, dim, out + (size_t) b * dim);
        e = last;
    }
    return e == count ? 0 : BAD_INDEX;
}

/*
 * out row b = bias + sum of scales[e] * w row latents[e] over the entries of row b (sorted by row),
 * one FMA per entry in order; up to eight vectors of the row in registers at a time.
 */
static int k_decode_sorted_rows(const int32_t *rowOf, const int32_t *latents, const float *scales, int count,
        const float *w, int paddedDim, int wRows, const float *bias, int rows, int dim, float *out) {
    int vectors = (dim + L - 1) / L;
    for (int v0 = 0; v0 < vectors; v0 += 8) {
        int nv = vectors - v0 < 8 ? vectors - v0 : 8;
        int status;
#define DR(k) status = decode_rows(rowOf, latents, scales, count, w, paddedDim, wRows, bias, rows, dim, out, v0, k)
        SWITCH_VECTORS(nv, DR)
#undef DR
        if (status < 0) {
            return status;
        }
    }
    return 0;
}

/* r[l] lane i becomes r[i] lane l. */
INLINE void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]);
    __m256 t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]);
    __m256 t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]);
    __m256 t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]);
    __m256 t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/*
 * The in-order lane sums of eight vectors at once: lane i of the result is
 * ((0 + v[i] lane 0) + v[i] lane 1) + ... + v[i] lane 7, as reduce_in_order(v[i]).
 */
INLINE __m256 reduce8_in_order(__m256 v[8]) {
    transpose8(v);
    __m256 s = _mm256_setzero_ps();
    for (int l = 0; l < L; l++) {
        s = _mm256_add_ps(s, v[l]);
    }
    return s;
}

/*
 * One latent's entries over nv vectors from vector v0 on (nv a constant after inlining): acc +=
 * scale * row, and with w the dots. dim - v0 * L > (nv - 1) * L: only the last vector may be
 * partial. The dots' lane sums are taken eight entries at a time, on transposed vectors.
 */
INLINE int scatter_latent(int first, int stop, const int32_t *rows, const float *scales, const float *src, int dim,
        int srcRows, const float *wj, float *to, float *dots, int v0, int nv) {
    __m256 a[8];
    __m256 wv[8];
    for (int v = 0; v < 8; v++) {
        a[v] = _mm256_setzero_ps();
        wv[v] = v < nv && wj ? _mm256_loadu_ps(wj + (v0 + v) * L) : _mm256_setzero_ps();
    }
    int tail = dim - (v0 + nv - 1) * L;
    __m256i tailMask = first_lanes(tail > L ? L : tail);
    __m256 pending0[8];
    __m256 pending1[8];
    int waiting = 0;
    for (int x = first; x < stop; x++) {
        int b = rows[x];
        if (b < 0 || b >= srcRows) {
            return BAD_INDEX;
        }
        const float *row = src + (size_t) b * dim + v0 * L;
        __m256 g[8];
        for (int v = 0; v < 8; v++) {
            g[v] = v < nv - 1 ? _mm256_loadu_ps(row + v * L)
                    : v == nv - 1 ? _mm256_maskload_ps(row + v * L, tailMask) : _mm256_setzero_ps();
        }
        if (wj) {
            __m256 p0 = _mm256_mul_ps(g[0], wv[0]);
            __m256 p1 = _mm256_mul_ps(g[1], wv[1]);
            __m256 p2 = _mm256_mul_ps(g[2], wv[2]);
            __m256 p3 = _mm256_mul_ps(g[3], wv[3]);
            pending0[waiting] = _mm256_add_ps(_mm256_add_ps(p0, p1), _mm256_add_ps(p2, p3));
            if (nv > 4) {
                __m256 p4 = _mm256_mul_ps(g[4], wv[4]);
                __m256 p5 = _mm256_mul_ps(g[5], wv[5]);
                __m256 p6 = _mm256_mul_ps(g[6], wv[6]);
                __m256 p7 = _mm256_mul_ps(g[7], wv[7]);
                pending1[waiting] = _mm256_add_ps(_mm256_add_ps(p4, p5), _mm256_add_ps(p6, p7));
            }
            if (++waiting == 8) {
                float *d = dots + x - 7;
                __m256 dot = reduce8_in_order(pending0);
                if (v0 != 0) {
                    dot = _mm256_add_ps(_mm256_loadu_ps(d), dot);
                }
                if (nv > 4) {
                    dot = _mm256_add_ps(dot, reduce8_in_order(pending1));
                }
                _mm256_storeu_ps(d, dot);
                waiting = 0;
            }
        }
        __m256 s = _mm256_set1_ps(scales[x]);
        for (int v = 0; v < nv; v++) {
            a[v] = _mm256_fmadd_ps(g[v], s, a[v]);
        }
    }
    for (int q = 0; q < waiting; q++) {
        int x = stop - waiting + q;
        float block = reduce_in_order(pending0[q]);
        float dot = v0 == 0 ? block : dots[x] + block;
        if (nv > 4) {
            dot = dot + reduce_in_order(pending1[q]);
        }
        dots[x] = dot;
    }
    for (int v = 0; v < nv; v++) {
        _mm256_storeu_ps(to + (v0 + v) * L, a[v]);
    }
    return 0;
}

/*
 * acc row j = sum of scales[x] * src row rows[x] over x in [starts[j], starts[j + 1]), one FMA
 * per entry in order from zero; with w, also dots[x] = <src row rows[x], w row j>, summed per
 * block of four vectors as ((g0 w0 + g1 w1) + (g2 w2 + g3 w3)), its lanes from lane 0 on, the
 * blocks in order. acc's padding is written with zeros.
 */
static int k_scatter_by_latent(const int32_t *starts, int latents, const int32_t *rows, const float *scales,
        const float *src, int dim, int srcRows, const float *w, float *acc, int paddedDim, float *dots, int entries) {
    int vectors = (dim + L - 1) / L;
    for (int j = 0; j < latents; j++) {
        int first = starts[j];
        int stop = starts[j + 1];
        if (first < 0 || stop < first || stop > entries) {
            return BAD_INDEX;
        }
        float *to = acc + (size_t) j * paddedDim;
        const float *wj = w ? w + (size_t) j * paddedDim : 0;
        /* two blocks (eight vectors) in registers at a time */
        for (int v0 = 0; v0 < vectors; v0 += 8) {
            int nv = vectors - v0 < 8 ? vectors - v0 : 8;
            int status;
#define SL(k) status = scatter_latent(first, stop, rows, scales, src, dim, srcRows, wj, to, dots, v0, k)
            SWITCH_VECTORS(nv, SL)
#undef SL
            if (status < 0) {
                return status;
            }
        }
        for (int i = vectors * L; i < paddedDim; i++) {
            to[i] = 0.0f;
        }
    }
    return 0;
}

/*
 * grad = scale * (a - b); returns the sum of the float squares in double: lanes 0-3 and 4-7 of
 * each vector summed apart in double, the two added lane by lane, lanes from lane 0 on, then the
 * tail in order.
 */
static double k_scaled_difference(const float *a, const float *b, int n, float scale, float *grad) {
    __m256 sv = _mm256_set1_ps(scale);
    __m256d s0 = _mm256_setzero_pd();
    __m256d s1 = _mm256_setzero_pd();
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        _mm256_storeu_ps(grad + i, _mm256_mul_ps(d, sv));
        __m256 sq = _mm256_mul_ps(d, d);
        s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm256_castps256_ps128(sq)));
        s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm256_extractf128_ps(sq, 1)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(s0, s1));
    double total = 0.0;
    for (int l = 0; l < 4; l++) {
        total += lanes[l];
    }
    for (; i < n; i++) {
        float d = a[i] - b[i];
        grad[i] = scale * d;
        float sq = d * d;
        total += (double) sq;
    }
    return total;
}


/* ---------------------------------------------------------------------------------------------
 * The banded pass of the batch top-k selection (org.saelab.api.TopK): the same contract as its
 * Java version, TopK.Simd.gatherBand and keepAtLeast. Float bits are compared as signed ints.
 * ------------------------------------------------------------------------------------------- */

/* Row m: the lanes set in mask m in increasing order, then zeros. */
static int32_t pack_table[256][L];

static void fill_pack_table(void) {
    for (int mask = 0; mask < 256; mask++) {
        int at = 0;
        for (int lane = 0; lane < L; lane++) {
            if (mask >> lane & 1) {
                pack_table[mask][at++] = lane;
            }
        }
        for (; at < L; at++) {
            pack_table[mask][at] = 0;
        }
    }
}

/*
 * Appends every entry of pre[0, n) whose bits are >= lo to (latents, values) from start on (its
 * flat index and value), then copies the appended values whose bits are <= hi into scratch (of
 * scratchLength floats). Returns (count above hi << 32) | copied, or -1 when the arrays may lack
 * room. The entries appended end at start + above + copied.
 */
static int64_t k_gather_band(const float *pre, int n, int32_t lo, int32_t hi, float *scratch, int scratchLength,
        int32_t *latents, float *values, int start, int capacity) {
    int c = start;
    __m256i lov = _mm256_set1_epi32(lo - 1);
    int e = 0;
    for (; e + 4 * L <= n; e += 4 * L) {
        __m256i x0 = _mm256_castps_si256(_mm256_loadu_ps(pre + e));
        __m256i x1 = _mm256_castps_si256(_mm256_loadu_ps(pre + e + L));
        __m256i x2 = _mm256_castps_si256(_mm256_loadu_ps(pre + e + 2 * L));
        __m256i x3 = _mm256_castps_si256(_mm256_loadu_ps(pre + e + 3 * L));
        int m0 = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(x0, lov)));
        int m1 = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(x1, lov)));
        int m2 = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(x2, lov)));
        int m3 = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(x3, lov)));
        if ((m0 | m1 | m2 | m3) == 0) {
            continue;
        }
        if (c > capacity - 4 * L) {
            return -1;
        }
        __m256i order;
        order = _mm256_loadu_si256((const __m256i *) pack_table[m0]);
        _mm256_storeu_si256((__m256i *) (values + c), _mm256_permutevar8x32_epi32(x0, order));
        _mm256_storeu_si256((__m256i *) (latents + c), _mm256_add_epi32(order, _mm256_set1_epi32(e)));
        c += __builtin_popcount(m0);
        order = _mm256_loadu_si256((const __m256i *) pack_table[m1]);
        _mm256_storeu_si256((__m256i *) (values + c), _mm256_permutevar8x32_epi32(x1, order));
        _mm256_storeu_si256((__m256i *) (latents + c), _mm256_add_epi32(order, _mm256_set1_epi32(e + L)));
        c += __builtin_popcount(m1);
        order = _mm256_loadu_si256((const __m256i *) pack_table[m2]);
        _mm256_storeu_si256((__m256i *) (values + c), _mm256_permutevar8x32_epi32(x2, order));
        _mm256_storeu_si256((__m256i *) (latents + c), _mm256_add_epi32(order, _mm256_set1_epi32(e + 2 * L)));
        c += __builtin_popcount(m2);
        order = _mm256_loadu_si256((const __m256i *) pack_table[m3]);
        _mm256_storeu_si256((__m256i *) (values + c), _mm256_permutevar8x32_epi32(x3, order));
        _mm256_storeu_si256((__m256i *) (latents + c), _mm256_add_epi32(order, _mm256_set1_epi32(e + 3 * L)));
        c += __builtin_popcount(m3);
    }
    for (; e < n; e++) {
        float value = pre[e];
        int32_t bits;
        memcpy(&bits, &value, sizeof bits);
        if (bits >= lo) {
            if (c == capacity) {
                return -1;
            }
            values[c] = value;
            latents[c] = e;
            c++;
        }
    }
    __m256i hiv = _mm256_set1_epi32(hi);
    int band = 0;
    int i = start;
    for (; i + L <= c && band + L <= scratchLength; i += L) {
        __m256i x = _mm256_loadu_si256((const __m256i *) (values + i));
        int inBand = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(hiv, x)))
                | _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(hiv, x)));
        __m256i order = _mm256_loadu_si256((const __m256i *) pack_table[inBand]);
        _mm256_storeu_si256((__m256i *) (scratch + band), _mm256_permutevar8x32_epi32(x, order));
        band += __builtin_popcount(inBand);
    }
    for (; i < c; i++) {
        int32_t bits;
        memcpy(&bits, values + i, sizeof bits);
        if (bits <= hi) {
            if (band == scratchLength) {
                return -1;
            }
            scratch[band++] = values[i];
        }
    }
    return (int64_t) (c - start - band) << 32 | band;
}

/*
 * Keeps the entries [start, end) whose value is >= cut (a positive cut: bits in [cut's, infinity's]),
 * splitting their flat indices (below 2^24, as TopK's banded pass requires) into rows and
 * latents; returns the new end.
 */
static int k_keep_at_least(int32_t *rows, int32_t *latents, float *values, int start, int end, float cut, int width) {
    int32_t cutBits;
    memcpy(&cutBits, &cut, sizeof cutBits);
    const int32_t infinityBits = 0x7f800000;
    double inverse = 1.0 / width;
    int w = start;
    int i = start;
    {
        /* eight at a time: the kept lanes packed to the front and stored whole (at w <= i, over
           entries already read); flat / width in floats, exact below 2^24 up to one, corrected */
        const __m256i cutv = _mm256_set1_epi32(cutBits - 1);
        const __m256i infv = _mm256_set1_epi32(infinityBits + 1);
        const __m256 inv = _mm256_set1_ps(1.0f / width);
        const __m256i widthv = _mm256_set1_epi32(width);
        const __m256i zero = _mm256_setzero_si256();
        for (; i + L <= end; i += L) {
            __m256i bits = _mm256_loadu_si256((const __m256i *) (values + i));
            __m256i keep = _mm256_and_si256(_mm256_cmpgt_epi32(bits, cutv), _mm256_cmpgt_epi32(infv, bits));
            int mask = _mm256_movemask_ps(_mm256_castsi256_ps(keep));
            __m256i order = _mm256_loadu_si256((const __m256i *) pack_table[mask]);
            __m256i flat = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *) (latents + i)), order);
            __m256i row = _mm256_cvttps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(flat), inv));
            __m256i latent = _mm256_sub_epi32(flat, _mm256_mullo_epi32(row, widthv));
            __m256i low = _mm256_cmpgt_epi32(zero, latent);
            __m256i high = _mm256_cmpgt_epi32(latent, _mm256_sub_epi32(widthv, _mm256_set1_epi32(1)));
            /* low and high are all-ones (-1) lanes: row - 1 where low, row + 1 where high */
            row = _mm256_sub_epi32(_mm256_add_epi32(row, low), high);
            latent = _mm256_sub_epi32(flat, _mm256_mullo_epi32(row, widthv));
            _mm256_storeu_si256((__m256i *) (values + w), _mm256_permutevar8x32_epi32(bits, order));
            _mm256_storeu_si256((__m256i *) (rows + w), row);
            _mm256_storeu_si256((__m256i *) (latents + w), latent);
            w += __builtin_popcount(mask);
        }
    }
    for (; i < end; i++) {
        float value = values[i];
        int32_t bits;
        memcpy(&bits, &value, sizeof bits);
        int32_t flat = latents[i];
        int32_t row = (int32_t) (flat * inverse);
        int32_t latent = flat - row * width;
        /* the product may round to one below or above the quotient */
        row += (latent >= width) - (latent < 0);
        latent = flat - row * width;
        rows[w] = row;
        latents[w] = latent;
        values[w] = value;
        w += bits >= cutBits && bits <= infinityBits;
    }
    return w;
}


/* scales[e] = values[e] / norms[latents[e]] for e in [0, count): one IEEE division per entry, eight at a time. */
static void divide_by_norms(const int32_t *latents, const float *values, const float *norms, int count, float *scales) {
    int e = 0;
    for (; e + L <= count; e += L) {
        __m256i j = _mm256_loadu_si256((const __m256i *) (latents + e));
        __m256 n = _mm256_i32gather_ps(norms, j, 4);
        _mm256_storeu_ps(scales + e, _mm256_div_ps(_mm256_loadu_ps(values + e), n));
    }
    for (; e < count; e++) {
        scales[e] = values[e] / norms[latents[e]];
    }
}

/* ---------------------------------------------------------------------------------------------
 * LinearSae's sparse decoder backward pass as one call, with the float operations of its Java
 * version (gatherEntries, sortByLatent, dotAndScatterByLatent and the loops after it).
 * ------------------------------------------------------------------------------------------- */

/*
 * Returns the entries kept (latent < limit), or -1, having changed nothing, when the code's rows
 * are not ascending in [0, batch) or a latent is outside [0, width).
 */
static int k_backward_decode(const int32_t *codeRows, const int32_t *codeLatents, const float *codeValues, int count,
        int limit, int batch, const float *norms, const float *gradOut, int dim, const float *w, int paddedDim,
        int width, float *g, float *gradPre, float *gradNorms, int rescale, int32_t *starts, int32_t *next,
        int32_t *sortedRows, float *sortedValues, float *sortedScales, float *sortedDots, float *acc) {
    if (!code_is_valid(codeRows, codeLatents, count, batch, width)) {
        return -1;
    }
    for (int j = 0; j <= width; j++) {
        starts[j] = 0;
    }
    for (int e = 0; e < count; e++) {
        int j = codeLatents[e];
        starts[j + 1] += j < limit;
    }
    for (int j = 0; j < width; j++) {
        starts[j + 1] += starts[j];
        next[j] = starts[j];
    }
    /* the code's scales first, into sortedDots (the dots overwrite them later) */
    divide_by_norms(codeLatents, codeValues, norms, count, sortedDots);
    for (int e = 0; e < count; e++) {
        int j = codeLatents[e];
        if (j < limit) {
            int at = next[j]++;
            sortedRows[at] = codeRows[e];
            sortedValues[at] = codeValues[e];
            sortedScales[at] = sortedDots[e];
        }
    }
    int kept = starts[width];
    k_scatter_by_latent(starts, width, sortedRows, sortedScales, gradOut, dim, batch, w, acc, paddedDim, sortedDots,
            kept);
    for (int j = 0; j < width; j++) {
        float n = norms[j];
        float nn = n * n;
        __m256 nv = _mm256_set1_ps(n);
        __m256 nnv = _mm256_set1_ps(nn);
        float gradNorm = gradNorms[j];
        int x = starts[j];
        int stop = starts[j + 1];
        for (; x + L <= stop; x += L) {
            __m256 dot = _mm256_loadu_ps(sortedDots + x);
            float q[L];
            float t[L];
            _mm256_storeu_ps(q, _mm256_div_ps(dot, nv));
            _mm256_storeu_ps(t, _mm256_div_ps(_mm256_mul_ps(_mm256_loadu_ps(sortedValues + x), dot), nnv));
            for (int l = 0; l < L; l++) {
                gradPre[(size_t) sortedRows[x + l] * width + j] += q[l];
                gradNorm -= t[l];
            }
        }
        for (; x < stop; x++) {
            float dot = sortedDots[x];
            gradPre[(size_t) sortedRows[x] * width + j] += dot / n;
            gradNorm -= sortedValues[x] * dot / nn;
        }
        if (rescale) {
            gradNorms[j] = gradNorm;
        }
    }
    for (int j = 0; j < width; j++) {
        float *row = g + (size_t) j * dim;
        const float *from = acc + (size_t) j * paddedDim;
        for (int i = 0; i < dim; i++) {
            row[i] += from[i];
        }
    }
    return kept;
}


/*
 * LinearSae's sparse W_enc gradient (backwardEncodeByLatent, for widths up to 64) with the float
 * operations of its Java version: the nonzero entries of gradPre grouped by latent in row order,
 * their raw gradients, the column sums (added into columnGrad) and the norm gradients, the
 * latents' sums of centered rows (in acc, rows of paddedDim) added into gWEnc [dim x width].
 * Returns the entries.
 */
static int k_backward_encode(const float *gradPre, const float *preRaw, int batch, int width, const float *norms,
        float *gradNorms, int rescale, float *columnGrad, const float *centered, int dim, int paddedDim, float *gWEnc,
        int32_t *starts, int32_t *sortedRows, float *sortedScales, float *acc) {
    int count = 0;
    for (int j = 0; j < width; j++) {
        starts[j] = count;
        const float *column = gradPre + j;
        for (int b = 0; b < batch; b++) {
            sortedRows[count] = b;
            count += column[(size_t) b * width] != 0.0f;
        }
    }
    starts[width] = count;
    for (int j = 0; j < width; j++) {
        float n = norms[j];
        float column = 0.0f;
        float gradNorm = gradNorms[j];
        for (int x = starts[j]; x < starts[j + 1]; x++) {
            size_t e = (size_t) sortedRows[x] * width + j;
            float gp = gradPre[e];
            float gRaw = gp * n;
            gradNorm += gp * preRaw[e];
            column += gRaw;
            sortedScales[x] = gRaw;
        }
        columnGrad[j] += column;
        if (rescale) {
            gradNorms[j] = gradNorm;
        }
    }
    k_scatter_by_latent(starts, width, sortedRows, sortedScales, centered, dim, batch, 0, acc, paddedDim, 0, count);
    for (int i = 0; i < dim; i++) {
        float *row = gWEnc + (size_t) i * width;
        for (int j = 0; j < width; j++) {
            row[j] += acc[(size_t) j * paddedDim + i];
        }
    }
    return count;
}


/*
 * LinearSae's decode of a code (gatherEntries, then decodeSortedRows): the entries with latent
 * below limit, value / norm, into (entryRows, entryLatents, entryScales); returns their number, or
 * -1, having decoded nothing, when the code's rows are not ascending in [0, batch) or a latent is
 * outside [0, width).
 */
static int k_decode_code(const int32_t *codeRows, const int32_t *codeLatents, const float *codeValues, int count,
        int limit, int batch, int width, const float *norms, const float *w, int paddedDim, const float *bias, int dim,
        float *out, int32_t *entryRows, int32_t *entryLatents, float *entryScales, float *scratch) {
    if (!code_is_valid(codeRows, codeLatents, count, batch, width)) {
        return -1;
    }
    divide_by_norms(codeLatents, codeValues, norms, count, scratch);
    int kept = 0;
    for (int e = 0; e < count; e++) {
        int j = codeLatents[e];
        entryRows[kept] = codeRows[e];
        entryLatents[kept] = j;
        entryScales[kept] = scratch[e];
        kept += j < limit;
    }
    return k_decode_sorted_rows(entryRows, entryLatents, entryScales, kept, w, paddedDim, width, bias, batch, dim, out)
            < 0 ? -1 : kept;
}


/* ---------------------------------------------------------------------------------------------
 * The two sparse backward passes row by row, for rows of at most 64 floats (eight vectors): each
 * source row is read once, in order, and the latents' sums stay in acc (width rows of paddedDim,
 * in the first-level cache). A latent's entries are still met in row order, so every sum takes
 * the same terms in the same order as the by-latent passes above: the same floats.
 * ------------------------------------------------------------------------------------------- */

#define MAX_ROW_VECTORS 8
/* Most latents these passes take, for their per-latent sums on the stack. */
#define MAX_ROW_WIDTH 1024

/* Loads the first nv vectors of a row of dim floats (zeros past its end and from vector nv on). */
INLINE void load_row(const float *row, int dim, int nv, __m256 out[8]) {
    for (int v = 0; v < 8; v++) {
        int at = v * L;
        out[v] = v < nv ? load_lanes(row + at, dim - at) : _mm256_setzero_ps();
    }
}

/* acc row += scale * the row's vectors. */
INLINE void add_scaled(float *acc, const __m256 row[8], __m256 scale, int nv) {
    /* the row's address in one register: its vectors then take constant offsets, not one lea each */
    __asm__("" : "+r"(acc));
    for (int v = 0; v < nv; v++) {
        _mm256_storeu_ps(acc + v * L, _mm256_fmadd_ps(row[v], scale, _mm256_loadu_ps(acc + v * L)));
    }
}

/*
 * The entries waiting for their dots in the decoder backward pass: the dots' lane sums are taken
 * eight entries at a time on transposed vectors, then each entry's dot / norm goes into gradPre
 * and its norm gradient term into gradNorm[j], in the entries' order.
 */
typedef struct {
    __m256 block0[8];
    __m256 block1[8];
    int32_t row[8];
    int32_t latent[8];
    float value[8];
    int count;
} pending_dots;

INLINE void settle_dots(pending_dots *p, int twoBlocks, const float *norms, const float *squaredNorms, float *gradPre,
        int width, float *gradNorm) {
    float dots[8];
    if (p->count == 8) {
        __m256 dot = reduce8_in_order(p->block0);
        if (twoBlocks) {
            dot = _mm256_add_ps(dot, reduce8_in_order(p->block1));
        }
        __m256i j = _mm256_loadu_si256((const __m256i *) p->latent);
        float q[8];
        float t[8];
        _mm256_storeu_ps(q, _mm256_div_ps(dot, _mm256_i32gather_ps(norms, j, 4)));
        _mm256_storeu_ps(t, _mm256_div_ps(_mm256_mul_ps(_mm256_loadu_ps(p->value), dot),
                _mm256_i32gather_ps(squaredNorms, j, 4)));
        for (int x = 0; x < 8; x++) {
            gradPre[(size_t) p->row[x] * width + p->latent[x]] += q[x];
            gradNorm[p->latent[x]] -= t[x];
        }
        p->count = 0;
        return;
    } else {
        for (int q = 0; q < p->count; q++) {
            float dot = reduce_in_order(p->block0[q]);
            if (twoBlocks) {
                dot = dot + reduce_in_order(p->block1[q]);
            }
            dots[q] = dot;
        }
    }
    for (int q = 0; q < p->count; q++) {
        int j = p->latent[q];
        float dot = dots[q];
        gradPre[(size_t) p->row[q] * width + j] += dot / norms[j];
        gradNorm[j] -= p->value[q] * dot / squaredNorms[j];
    }
    p->count = 0;
}

/*
 * One entry of the decoder backward pass on its row's gradient r: its dot with W_dec row j
 * (summed per block of four vectors, the lane sums left to settle_dots, eight entries at a time)
 * and acc row j += scale * r.
 */
INLINE void decoder_entry(pending_dots *p, const __m256 r[8], const float *wj, int b, int j, float value, float scale,
        float *accRow, int twoBlocks, int nv, const float *norms, const float *squaredNorms, float *gradPre,
        int width, float *gradNorm) {
    __m256 p0 = _mm256_mul_ps(r[0], _mm256_loadu_ps(wj));
    __m256 p1 = _mm256_mul_ps(r[1], _mm256_loadu_ps(wj + L));
    __m256 p2 = _mm256_mul_ps(r[2], _mm256_loadu_ps(wj + 2 * L));
    __m256 p3 = _mm256_mul_ps(r[3], _mm256_loadu_ps(wj + 3 * L));
    p->block0[p->count] = _mm256_add_ps(_mm256_add_ps(p0, p1), _mm256_add_ps(p2, p3));
    if (twoBlocks) {
        __m256 p4 = _mm256_mul_ps(r[4], _mm256_loadu_ps(wj + 4 * L));
        __m256 p5 = _mm256_mul_ps(r[5], _mm256_loadu_ps(wj + 5 * L));
        __m256 p6 = _mm256_mul_ps(r[6], _mm256_loadu_ps(wj + 6 * L));
        __m256 p7 = _mm256_mul_ps(r[7], _mm256_loadu_ps(wj + 7 * L));
        p->block1[p->count] = _mm256_add_ps(_mm256_add_ps(p4, p5), _mm256_add_ps(p6, p7));
    }
    p->row[p->count] = b;
    p->latent[p->count] = j;
    p->value[p->count] = value;
    if (++p->count == 8) {
        settle_dots(p, twoBlocks, norms, squaredNorms, gradPre, width, gradNorm);
    }
    add_scaled(accRow, r, _mm256_set1_ps(scale), nv);
}

/*
 * The decoder backward pass of LinearSae (as k_backward_decode) row by row, for dim <= 64.
 * Returns the entries kept, or -1, having changed nothing, when the code's rows are not ascending
 * in [0, batch) or a latent is outside [0, width).
 */
INLINE int backward_decode_rows(const int32_t *codeRows, const int32_t *codeLatents, const float *codeValues,
        int count, int limit, int batch, const float *norms, const float *gradOut, int dim, const float *w,
        int paddedDim, int width, float *g, float *gradPre, float *gradNorms, int rescale, float *acc,
        float *scales, int nv) {
    float gradNorm[MAX_ROW_WIDTH];
    float squaredNorms[MAX_ROW_WIDTH];
    if (!code_is_valid(codeRows, codeLatents, count, batch, width)) {
        return -1;
    }
    divide_by_norms(codeLatents, codeValues, norms, count, scales);
    int twoBlocks = nv > 4;
    memset(acc, 0, sizeof(float) * (size_t) width * paddedDim);
    for (int j = 0; j < width; j++) {
        gradNorm[j] = gradNorms[j];
        squaredNorms[j] = norms[j] * norms[j];
    }
    pending_dots p;
    p.count = 0;
    int kept = 0;
    int e = 0;
    for (int b = 0; b < batch && e < count; b++) {
        if (codeRows[e] != b) {
            continue;
        }
        __m256 r[8];
        load_row(gradOut + (size_t) b * dim, dim, nv, r);
        for (; e < count && codeRows[e] == b; e++) {
            int j = codeLatents[e];
            if (j >= limit) {
                continue;
            }
            kept++;
            decoder_entry(&p, r, w + (size_t) j * paddedDim, b, j, codeValues[e], scales[e],
                    acc + (size_t) j * paddedDim, twoBlocks, nv, norms, squaredNorms, gradPre, width, gradNorm);
        }
    }
    settle_dots(&p, twoBlocks, norms, squaredNorms, gradPre, width, gradNorm);
    if (rescale) {
        for (int j = 0; j < width; j++) {
            gradNorms[j] = gradNorm[j];
        }
    }
    for (int j = 0; j < width; j++) {
        float *row = g + (size_t) j * dim;
        const float *from = acc + (size_t) j * paddedDim;
        for (int i = 0; i < dim; i++) {
            row[i] += from[i];
        }
    }
    return kept;
}

/* backward_decode_rows with the row's vectors a constant, so that they stay in registers. */
static int k_backward_decode_rows(const int32_t *codeRows, const int32_t *codeLatents, const float *codeValues,
        int count, int limit, int batch, const float *norms, const float *gradOut, int dim, const float *w,
        int paddedDim, int width, float *g, float *gradPre, float *gradNorms, int rescale, float *acc,
        float *scales) {
    int kept = 0;
#define BDR(nv) kept = backward_decode_rows(codeRows, codeLatents, codeValues, count, limit, batch, norms, gradOut, dim, w, \
        paddedDim, width, g, gradPre, gradNorms, rescale, acc, scales, nv)
    SWITCH_VECTORS((dim + L - 1) / L, BDR)
#undef BDR
    return kept;
}

/*
 * LinearSae's sparse W_enc gradient (as k_backward_encode) row by row, for dim <= 64: a row's
 * nonzero entries of gradPre are found by vector compares, and each adds its raw gradient times
 * the centered row into its latent's sum. Returns the entries.
 */
INLINE int backward_encode_rows(const float *gradPre, const float *preRaw, int batch, int width, const float *norms,
        float *gradNorms, int rescale, float *columnGrad, const float *centered, int dim, int paddedDim, float *gWEnc,
        float *acc, int nv) {
    float column[MAX_ROW_WIDTH];
    float gradNorm[MAX_ROW_WIDTH];
    memset(acc, 0, sizeof(float) * (size_t) width * paddedDim);
    for (int j = 0; j < width; j++) {
        column[j] = 0.0f;
        gradNorm[j] = gradNorms[j];
    }
    int count = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (int b = 0; b < batch; b++) {
        const float *gp = gradPre + (size_t) b * width;
        const float *pr = preRaw + (size_t) b * width;
        __m256 r[8] = {0};
        int loaded = 0;
        for (int j0 = 0; j0 < width; j0 += L) {
            __m256 v = load_lanes(gp + j0, width - j0);
            /* lanes != 0 (NaN included), as the Java scan's test */
            unsigned mask = (unsigned) _mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_NEQ_UQ));
            if (width - j0 < L) {
                mask &= (1u << (width - j0)) - 1;
            }
            if (mask && !loaded) {
                load_row(centered + (size_t) b * dim, dim, nv, r);
                loaded = 1;
            }
            while (mask) {
                int j = j0 + __builtin_ctz(mask);
                mask &= mask - 1;
                float g = gp[j];
                float gRaw = g * norms[j];
                gradNorm[j] += g * pr[j];
                column[j] += gRaw;
                add_scaled(acc + (size_t) j * paddedDim, r, _mm256_set1_ps(gRaw), nv);
                count++;
            }
        }
    }
    for (int j = 0; j < width; j++) {
        columnGrad[j] += column[j];
        if (rescale) {
            gradNorms[j] = gradNorm[j];
        }
    }
    for (int i = 0; i < dim; i++) {
        float *row = gWEnc + (size_t) i * width;
        for (int j = 0; j < width; j++) {
            row[j] += acc[(size_t) j * paddedDim + i];
        }
    }
    return count;
}

/* backward_encode_rows with the row's vectors a constant, so that they stay in registers. */
static int k_backward_encode_rows(const float *gradPre, const float *preRaw, int batch, int width, const float *norms,
        float *gradNorms, int rescale, float *columnGrad, const float *centered, int dim, int paddedDim, float *gWEnc,
        float *acc) {
    int count = 0;
#define BER(nv) count = backward_encode_rows(gradPre, preRaw, batch, width, norms, gradNorms, rescale, columnGrad, centered, \
        dim, paddedDim, gWEnc, acc, nv)
    SWITCH_VECTORS((dim + L - 1) / L, BER)
#undef BER
    return count;
}

/* ---------------------------------------------------------------------------------------------
 * The MSE term's whole pass over a code, row by row for rows of at most 64 floats: the row's
 * reconstruction (as decode_row, or read back when already decoded), its difference from x and
 * the gradient scale * (recon - x) (as k_scaled_difference), the gradient's column sums (as
 * k_add_column_sums) and the decoder backward pass (as backward_decode_rows), all on the row in
 * registers; with `enc`, when the term is the step's only one, also the sparse W_enc gradient of
 * backward_encode_rows, on the centered row x - bias. Every sum takes the same terms in the same
 * order as those kernels do one after another: the same floats, without the reconstruction's
 * gradient in memory between them.
 *
 * Two sums need care to keep that order. The squares are summed in double per flat position
 * modulo 8 (k_scaled_difference's lanes over the batch as one array): a row's vectors are rotated
 * onto those lanes, and the positions past the last whole vector of the batch are added after
 * the lanes, in order. The norm gradients take all the decoder's terms before the encoder's:
 * the encoder's are kept per entry and added after the rows.
 * ------------------------------------------------------------------------------------------- */

/* The lanes of permutevar8x32 that move lane l to lane (l + r) mod 8: row r is (c - r) mod 8 for c = 0..7. */
static const int32_t rotation_table[L][L] = {
    {0, 1, 2, 3, 4, 5, 6, 7},
    {7, 0, 1, 2, 3, 4, 5, 6},
    {6, 7, 0, 1, 2, 3, 4, 5},
    {5, 6, 7, 0, 1, 2, 3, 4},
    {4, 5, 6, 7, 0, 1, 2, 3},
    {3, 4, 5, 6, 7, 0, 1, 2},
    {2, 3, 4, 5, 6, 7, 0, 1},
    {1, 2, 3, 4, 5, 6, 7, 0},
};

/*
 * Vector v of a row of nv vectors whose last one holds the lanes of the mask `tail` (first_lanes
 * of the row's last lanes): a plain load before the last, a masked one (zeros past the end) for it.
 */
INLINE __m256 row_vector(const float *row, int v, int nv, __m256i tail) {
    return v < nv - 1 ? _mm256_loadu_ps(row + v * L) : _mm256_maskload_ps(row + v * L, tail);
}

/* The squares of one vector, rotated onto the flat array's lanes, into the double sums s0 (lanes 0-3) and s1. */
INLINE void add_squares(__m256 sq, __m256i rotate, __m256d *s0, __m256d *s1) {
    sq = _mm256_permutevar8x32_ps(sq, rotate);
    *s0 = _mm256_add_pd(*s0, _mm256_cvtps_pd(_mm256_castps256_ps128(sq)));
    *s1 = _mm256_add_pd(*s1, _mm256_cvtps_pd(_mm256_extractf128_ps(sq, 1)));
}

typedef struct {
    /* the code */
    const int32_t *codeRows;
    const int32_t *codeLatents;
    const float *codeValues;
    int count;
    int limit;
    int batch;
    int width;
    const float *norms;
    /* the decoder: rows of paddedDim, zero padded; bias padded alike */
    const float *w;
    int paddedDim;
    const float *bias;
    const float *x;
    int dim;
    float scale;
    /* the reconstruction: written (decoded = 0) or read (decoded = 1); may be null when not decoded */
    float *recon;
    int decoded;
    /* outputs */
    float *gBDec;
    float *gWDec;
    float *gradPre;
    float *gradNorms;
    int rescale;
    float *acc;
    float *scales;
    /* the encoder part, with enc */
    int enc;
    const float *preRaw;
    float *columnGrad;
    float *gWEnc;
    float *accEnc;
    float *encTerms;
    int32_t *encLatents;
} mse_pass;

/*
 * Whether the entries of a valid code ascend by (row, latent), eight at a time: then each row's
 * latents are distinct. The batch top-k writes its entries in that order. batch * width < 2^31.
 */
static int entries_ascend(const int32_t *codeRows, const int32_t *codeLatents, int count, int width) {
    const __m256i w = _mm256_set1_epi32(width);
    const __m256i one = _mm256_set1_epi32(1);
    __m256i bad = _mm256_setzero_si256();
    int e = 1;
    for (; e + L <= count; e += L) {
        __m256i key = _mm256_add_epi32(_mm256_mullo_epi32(_mm256_loadu_si256((const __m256i *) (codeRows + e)), w),
                _mm256_loadu_si256((const __m256i *) (codeLatents + e)));
        __m256i before = _mm256_add_epi32(
                _mm256_mullo_epi32(_mm256_loadu_si256((const __m256i *) (codeRows + e - 1)), w),
                _mm256_loadu_si256((const __m256i *) (codeLatents + e - 1)));
        bad = _mm256_or_si256(bad, _mm256_cmpgt_epi32(_mm256_add_epi32(before, one), key));
    }
    if (!_mm256_testz_si256(bad, bad)) {
        return 0;
    }
    for (; e < count; e++) {
        if ((int64_t) codeRows[e] * width + codeLatents[e]
                <= (int64_t) codeRows[e - 1] * width + codeLatents[e - 1]) {
            return 0;
        }
    }
    return 1;
}

/* Whether each row's latents are distinct, in a valid code (for widths up to 64). */
static int rows_have_distinct_latents(const int32_t *codeRows, const int32_t *codeLatents, int count, int batch,
        int width) {
    if ((int64_t) batch * width < INT32_MAX && entries_ascend(codeRows, codeLatents, count, width)) {
        return 1;
    }
    uint64_t seen = 0;
    int row = -1;
    for (int e = 0; e < count; e++) {
        if (codeRows[e] != row) {
            row = codeRows[e];
            seen = 0;
        }
        uint64_t bit = (uint64_t) 1 << codeLatents[e];
        if (seen & bit) {
            return 0;
        }
        seen |= bit;
    }
    return 1;
}

/*
 * Returns the entries kept (latent < limit), or -1, having changed nothing, when the code's rows
 * are not ascending in [0, batch), a latent is outside [0, width) or, with enc, a row holds a
 * latent twice. Sets *squares to the sum of the squared differences.
 */
/*
 * The sparse W_enc pass of backward_encode_rows over rows [from, to), whose entries start at
 * entry `e` and whose dots are in gradPre: each entry with a nonzero gradient adds its raw
 * gradient times the centered row into its latent's sum and column; its norm term is kept for
 * later. Returns the entry after the rows'.
 */
INLINE int encode_rows(const mse_pass *a, int from, int to, int e, float *column, int *encCount, int nv) {
    const int dim = a->dim;
    const int width = a->width;
    int n = *encCount;
    const __m256i tail = first_lanes(dim - (nv - 1) * L);
    for (int b = from; b < to; b++) {
        int first = e;
        while (e < a->count && a->codeRows[e] == b) {
            e++;
        }
        if (first == e) {
            continue;
        }
        const float *xRow = a->x + (size_t) b * dim;
        __m256 c[8];
        for (int v = 0; v < 8; v++) {
            c[v] = v < nv ? _mm256_sub_ps(row_vector(xRow, v, nv, tail), _mm256_loadu_ps(a->bias + v * L))
                    : _mm256_setzero_ps();
        }
        const float *gp = a->gradPre + (size_t) b * width;
        const float *pr = a->preRaw + (size_t) b * width;
        for (int x = first; x < e; x++) {
            int j = a->codeLatents[x];
            float g = gp[j];
            if (g == 0.0f) {
                continue;
            }
            float gRaw = g * a->norms[j];
            a->encTerms[n] = g * pr[j];
            a->encLatents[n] = j;
            column[j] += gRaw;
            add_scaled(a->accEnc + (size_t) j * a->paddedDim, c, _mm256_set1_ps(gRaw), nv);
            n++;
        }
    }
    *encCount = n;
    return e;
}

INLINE int mse_rows(const mse_pass *a, double *squares, int *encEntries, int nv) {
    const int dim = a->dim;
    const int width = a->width;
    const int paddedDim = a->paddedDim;
    const int limit = a->limit;
    const float *w = a->w;
    const float *scales = a->scales;
    const float *codeValues = a->codeValues;
    const float *norms = a->norms;
    float *acc = a->acc;
    float gradNorm[MAX_ROW_WIDTH];
    float squaredNorms[MAX_ROW_WIDTH];
    float column[64];
    if (!code_is_valid(a->codeRows, a->codeLatents, a->count, a->batch, width)
            || (a->enc && !rows_have_distinct_latents(a->codeRows, a->codeLatents, a->count, a->batch, width))) {
        return -1;
    }
    divide_by_norms(a->codeLatents, a->codeValues, norms, a->count, a->scales);
    const __m256i tail = first_lanes(dim - (nv - 1) * L);
    int twoBlocks = nv > 4;
    memset(acc, 0, sizeof(float) * (size_t) width * paddedDim);
    if (a->enc) {
        memset(a->accEnc, 0, sizeof(float) * (size_t) width * paddedDim);
        for (int j = 0; j < width; j++) {
            column[j] = 0.0f;
        }
    }
    for (int j = 0; j < width; j++) {
        gradNorm[j] = a->gradNorms[j];
        squaredNorms[j] = norms[j] * norms[j];
    }
    /* column sums: even and odd rows apart for the whole vectors of a row, one sum for its tail */
    int vectorColumns = dim / L;
    float evenSums[2][8 * L] __attribute__((aligned(32)));
    float tailSum[L] __attribute__((aligned(32)));
    memset(evenSums, 0, sizeof(evenSums));
    memset(tailSum, 0, sizeof(tailSum));
    /* squares: the lanes of k_scaled_difference, then the tail past its last whole vector */
    int64_t flat = (int64_t) a->batch * dim;
    int64_t flatBound = flat - flat % L;
    __m256d s0 = _mm256_setzero_pd();
    __m256d s1 = _mm256_setzero_pd();
    float tailSquares[L];
    __m256 sv = _mm256_set1_ps(a->scale);
    pending_dots p;
    p.count = 0;
    int kept = 0;
    int encCount = 0;
    int encRow = 0;
    int encEntry = 0;
    int e = 0;
    const int32_t *codeRows = a->codeRows;
    const int32_t *codeLatents = a->codeLatents;
    for (int b = 0; b < a->batch; b++) {
        int first = e;
        while (e < a->count && codeRows[e] == b) {
            e++;
        }
        /* the reconstruction */
        __m256 r[8];
        float *reconRow = a->recon ? a->recon + (size_t) b * dim : 0;
        if (a->decoded) {
            load_row(reconRow, dim, nv, r);
        } else {
            for (int v = 0; v < 8; v++) {
                r[v] = v < nv ? _mm256_loadu_ps(a->bias + v * L) : _mm256_setzero_ps();
            }
            for (int x = first; x < e; x++) {
                int j = codeLatents[x];
                if (j >= limit) {
                    continue;
                }
                const float *from = w + (size_t) j * paddedDim;
                __m256 s = _mm256_set1_ps(scales[x]);
                for (int v = 0; v < nv; v++) {
                    r[v] = _mm256_fmadd_ps(_mm256_loadu_ps(from + v * L), s, r[v]);
                }
            }
            if (reconRow) {
                for (int v = 0; v < nv - 1; v++) {
                    _mm256_storeu_ps(reconRow + v * L, r[v]);
                }
                store_lanes(reconRow + (nv - 1) * L, r[nv - 1], dim - (nv - 1) * L);
            }
        }
        /* the difference, its squares and the gradient (in r) */
        const float *xRow = a->x + (size_t) b * dim;
        int64_t rowStart = (int64_t) b * dim;
        __m256i rotate = _mm256_loadu_si256((const __m256i *) rotation_table[rowStart % L]);
        if (rowStart + (int64_t) nv * L <= flatBound) {
            /* no position of the row's vectors reaches the tail: the common case, without its test */
            for (int v = 0; v < nv; v++) {
                __m256 d = _mm256_sub_ps(r[v], row_vector(xRow, v, nv, tail));
                r[v] = _mm256_mul_ps(d, sv);
                add_squares(_mm256_mul_ps(d, d), rotate, &s0, &s1);
            }
        } else {
            for (int v = 0; v < nv; v++) {
                __m256 d = _mm256_sub_ps(r[v], load_lanes(xRow + v * L, dim - v * L));
                r[v] = _mm256_mul_ps(d, sv);
                __m256 sq = _mm256_mul_ps(d, d);
                int64_t at = rowStart + v * L;
                if (at + L > flatBound) {
                    /* positions from flatBound on go to the tail, in order */
                    float lanes[L];
                    _mm256_storeu_ps(lanes, sq);
                    int valid = dim - v * L < L ? dim - v * L : L;
                    for (int l = 0; l < valid; l++) {
                        if (at + l >= flatBound) {
                            tailSquares[at + l - flatBound] = lanes[l];
                            lanes[l] = 0.0f;
                        }
                    }
                    sq = _mm256_loadu_ps(lanes);
                }
                add_squares(sq, rotate, &s0, &s1);
            }
        }
        /* the column sums */
        float *sums = evenSums[b & 1];
        for (int v = 0; v < vectorColumns; v++) {
            _mm256_store_ps(sums + v * L, _mm256_add_ps(_mm256_load_ps(sums + v * L), r[v]));
        }
        if (vectorColumns < nv) {
            _mm256_store_ps(tailSum, _mm256_add_ps(_mm256_load_ps(tailSum), r[vectorColumns]));
        }
        /* the decoder backward pass */
        for (int x = first; x < e; x++) {
            int j = codeLatents[x];
            if (j >= limit) {
                continue;
            }
            kept++;
            decoder_entry(&p, r, w + (size_t) j * paddedDim, b, j, codeValues[x], scales[x],
                    acc + (size_t) j * paddedDim, twoBlocks, nv, norms, squaredNorms, a->gradPre, width, gradNorm);
        }
        if (a->enc) {
            /* the encoder's pass over the rows whose dots are all settled */
            int settled = p.count == 0 ? b + 1 : p.row[0];
            encEntry = encode_rows(a, encRow, settled, encEntry, column, &encCount, nv);
            encRow = settled;
        }
    }
    settle_dots(&p, twoBlocks, norms, squaredNorms, a->gradPre, width, gradNorm);
    if (a->enc) {
        encode_rows(a, encRow, a->batch, encEntry, column, &encCount, nv);
    }
    /* the squares' total, as k_scaled_difference */
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(s0, s1));
    double total = 0.0;
    for (int l = 0; l < 4; l++) {
        total += lanes[l];
    }
    for (int64_t t = 0; t < flat - flatBound; t++) {
        total += (double) tailSquares[t];
    }
    *squares = total;
    /* the column sums into gBDec, as k_add_column_sums */
    for (int v = 0; v < vectorColumns; v++) {
        float *to = a->gBDec + v * L;
        __m256 pair = _mm256_add_ps(_mm256_load_ps(evenSums[0] + v * L), _mm256_load_ps(evenSums[1] + v * L));
        _mm256_storeu_ps(to, _mm256_add_ps(pair, _mm256_loadu_ps(to)));
    }
    if (vectorColumns < nv) {
        for (int i = vectorColumns * L; i < dim; i++) {
            a->gBDec[i] += tailSum[i - vectorColumns * L];
        }
    }
    /* the decoder's sums, then (the decoder's norm terms all in) the encoder's */
    for (int j = 0; j < width; j++) {
        float *row = a->gWDec + (size_t) j * dim;
        const float *from = acc + (size_t) j * paddedDim;
        for (int i = 0; i < dim; i++) {
            row[i] += from[i];
        }
    }
    if (a->enc) {
        for (int x = 0; x < encCount; x++) {
            gradNorm[a->encLatents[x]] += a->encTerms[x];
        }
        for (int j = 0; j < width; j++) {
            a->columnGrad[j] += column[j];
        }
        for (int i = 0; i < dim; i++) {
            float *row = a->gWEnc + (size_t) i * width;
            for (int j = 0; j < width; j++) {
                row[j] += a->accEnc[(size_t) j * paddedDim + i];
            }
        }
    }
    if (a->rescale) {
        for (int j = 0; j < width; j++) {
            a->gradNorms[j] = gradNorm[j];
        }
    }
    *encEntries = encCount;
    return kept;
}

static int k_mse_rows(const mse_pass *a, double *squares, int *encEntries) {
    if (a->dim < 1 || a->dim > MAX_ROW_VECTORS * L || a->width < 1 || a->width > MAX_ROW_WIDTH
            || (a->enc && a->width > 64)) {
        return -1;
    }
    int kept = 0;
#define MR(nv) kept = mse_rows(a, squares, encEntries, nv)
    SWITCH_VECTORS((a->dim + L - 1) / L, MR)
#undef MR
    return kept;
}

/* ---------------------------------------------------------------------------------------------
 * The post20 sampler's batches (org.saelab.samplers.post20.Post20Sampler) on the generator of
 * org.saelab.api.SplitMix: the same draws in the same order, the Gaussians' common path inline,
 * the magnitudes in double, and the sums of the firing rows with the float operations of the
 * sampler's SimdRowSums (a multiply and an add per term, never fused; rows four at a time).
 * ------------------------------------------------------------------------------------------- */

#define SPLIT_MIX_GAMMA 0x9e3779b97f4a7c15ULL

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A firing feature's sign bit: 1 when the 32-bit uniform u is below the threshold. */
static inline int fires(uint64_t u, int64_t threshold) {
    return (int) ((uint64_t) ((int64_t) u - threshold) >> 63);
}

/*
 * out[0, len) = sum over the count firing rows of scales[k] * rows[firing[k]] (rows of stride
 * floats, zero past the input width), for at most eight vectors from column `from` on: groups of
 * four rows ((s0 r0 + s1 r1) + s2 r2) + s3 r3 added to the first group in order; a last group
 * of fewer rows gets one + 0, as the Java kernel's padding rows give.
 */
INLINE void sum_firing_rows(const float *rows, int stride, int from, const int32_t *firing, const float *scales,
        int count, float *out, int len, int nv) {
    __m256 acc[8];
    for (int v = 0; v < nv; v++) {
        acc[v] = _mm256_setzero_ps();
    }
    int k = 0;
    for (; k + 4 <= count; k += 4) {
        const float *r0 = rows + (size_t) firing[k] * stride + from;
        const float *r1 = rows + (size_t) firing[k + 1] * stride + from;
        const float *r2 = rows + (size_t) firing[k + 2] * stride + from;
        const float *r3 = rows + (size_t) firing[k + 3] * stride + from;
        __m256 s0 = _mm256_set1_ps(scales[k]);
        __m256 s1 = _mm256_set1_ps(scales[k + 1]);
        __m256 s2 = _mm256_set1_ps(scales[k + 2]);
        __m256 s3 = _mm256_set1_ps(scales[k + 3]);
        for (int v = 0; v < nv; v++) {
            __m256 g = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(r0 + v * L), s0),
                    _mm256_mul_ps(_mm256_loadu_ps(r1 + v * L), s1));
            g = _mm256_add_ps(g, _mm256_mul_ps(_mm256_loadu_ps(r2 + v * L), s2));
            g = _mm256_add_ps(g, _mm256_mul_ps(_mm256_loadu_ps(r3 + v * L), s3));
            acc[v] = k == 0 ? g : _mm256_add_ps(acc[v], g);
        }
    }
    int rest = count - k;
    if (rest > 0) {
        const float *r0 = rows + (size_t) firing[k] * stride + from;
        const float *r1 = rest > 1 ? rows + (size_t) firing[k + 1] * stride + from : r0;
        const float *r2 = rest > 2 ? rows + (size_t) firing[k + 2] * stride + from : r0;
        __m256 s0 = _mm256_set1_ps(scales[k]);
        __m256 s1 = _mm256_set1_ps(rest > 1 ? scales[k + 1] : 0.0f);
        __m256 s2 = _mm256_set1_ps(rest > 2 ? scales[k + 2] : 0.0f);
        __m256 zero = _mm256_setzero_ps();
        for (int v = 0; v < nv; v++) {
            __m256 g = _mm256_mul_ps(_mm256_loadu_ps(r0 + v * L), s0);
            if (rest > 1) {
                g = _mm256_add_ps(g, _mm256_mul_ps(_mm256_loadu_ps(r1 + v * L), s1));
            }
            if (rest > 2) {
                g = _mm256_add_ps(g, _mm256_mul_ps(_mm256_loadu_ps(r2 + v * L), s2));
            }
            g = _mm256_add_ps(g, zero);
            acc[v] = k == 0 ? g : _mm256_add_ps(acc[v], g);
        }
    }
    for (int v = 0; v < nv; v++) {
        store_lanes(out + v * L, acc[v], len - v * L);
    }
}

/* Firing feature k's magnitude (float) max(0, mean + std * g), in its features row and in magnitudes. */
INLINE void set_magnitude(float *f, const int32_t *firing, float *magnitudes, int k, double mean, double std,
        double g) {
    double t = mean + std * g;
    float m = (float) (t > 0.0 ? t : 0.0);
    magnitudes[k] = m;
    f[firing[k]] = m;
}

/*
 * Samples [sample, size) of a batch, resuming the sample in progress when partial[1] >= 0 (its
 * count in partial[0], firing features in firing, magnitudes so far in magnitudes and features,
 * and at gauss[partial[1]] the Gaussian the caller drew). Returns size when the batch is done;
 * otherwise the sample whose next Gaussian takes the JDK's rare path, with *state stepped back
 * before that Gaussian's first draw and partial = {count, index}.
 */
static int k_post20(uint64_t *state, int sample, int size, int n, int d, const int64_t *without,
        const int64_t *with, const double *widths, int fastLayers, double mean, double std, const float *rows,
        int stride, float *inputs, float *features, int32_t *firing, float *magnitudes, const double *gauss,
        int32_t *partial) {
    uint64_t s = *state;
    int count = partial[0];
    int k = partial[1];
    for (; sample < size; sample++) {
        float *f = features + (size_t) sample * n;
        if (k < 0) {
            uint64_t bits = mix64(s += SPLIT_MIX_GAMMA);
            const int64_t *t;
            if ((int64_t) (bits >> 32) < without[0]) {
                t = with;
                firing[0] = 0;
                count = 1;
            } else {
                t = without;
                count = 0;
            }
            firing[count] = 1;
            count += fires(bits & 0xFFFFFFFFULL, t[1]);
            int i = 2;
            for (; i + 1 < n; i += 2) {
                uint64_t pair = mix64(s += SPLIT_MIX_GAMMA);
                firing[count] = i;
                count += fires(pair >> 32, t[i]);
                firing[count] = i + 1;
                count += fires(pair & 0xFFFFFFFFULL, t[i + 1]);
            }
            if (i < n) {
                firing[count] = i;
                count += fires(mix64(s += SPLIT_MIX_GAMMA) >> 32, t[i]);
            }
            k = 0;
        } else {
            /* the Gaussian the caller drew on the rare path */
            set_magnitude(f, firing, magnitudes, k, mean, std, gauss[k]);
            k++;
        }
        for (; k < count; k++) {
            uint64_t u = mix64(s += SPLIT_MIX_GAMMA);
            int layer = (int) (u & 0xFF);
            if (layer >= fastLayers) {
                *state = s - SPLIT_MIX_GAMMA;
                partial[0] = count;
                partial[1] = k;
                return sample;
            }
            set_magnitude(f, firing, magnitudes, k, mean, std, widths[layer] * (double) (int64_t) u);
        }
        float *x = inputs + (size_t) sample * d;
        if (count == 0) {
            memset(x, 0, sizeof(float) * (size_t) d);
        } else {
            for (int from = 0; from < d; from += 8 * L) {
                int len = d - from < 8 * L ? d - from : 8 * L;
                int nv = (len + L - 1) / L;
#define SFR(c) sum_firing_rows(rows, stride, from, firing, magnitudes, count, x + from, len, c)
                SWITCH_VECTORS(nv, SFR)
#undef SFR
            }
        }
        k = -1;
    }
    *state = s;
    partial[0] = 0;
    partial[1] = -1;
    return size;
}

#pragma GCC pop_options

/* ---------------------------------------------------------------------------------------------
 * JNI entry points (class org.saelab.api.NativeKernels). Compiled without AVX2, so that
 * cpuSupported() can run anywhere. The Java side checks array lengths before each call.
 * ------------------------------------------------------------------------------------------- */

/*
 * The arrays one call pins (GetPrimitiveArrayCritical), released together, last pinned first, by
 * unpin_all. A null array pins as a null pointer.
 */
typedef struct {
    jarray arrays[24];
    void *pointers[24];
    int count;
} pins;

static void *pin(JNIEnv *env, pins *p, jarray array) {
    if (!array) {
        return 0;
    }
    void *pointer = (*env)->GetPrimitiveArrayCritical(env, array, 0);
    p->arrays[p->count] = array;
    p->pointers[p->count] = pointer;
    p->count++;
    return pointer;
}

static void unpin_all(JNIEnv *env, pins *p) {
    while (p->count > 0) {
        p->count--;
        (*env)->ReleasePrimitiveArrayCritical(env, p->arrays[p->count], p->pointers[p->count], 0);
    }
}

#define CRIT(env, array) pin((env), &pinned, (array))

JNIEXPORT jboolean JNICALL Java_org_saelab_api_NativeKernels_cpuSupported(JNIEnv *env, jclass cls) {
    __builtin_cpu_init();
    fill_pack_table();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_org_saelab_api_NativeKernels_subtractRow0(JNIEnv *env, jclass cls, jfloatArray x,
        jint rows, jint dim, jfloatArray bias, jint biasFrom, jfloatArray out) {
    /* no other JNI call may come between pinning and unpinning */
    jboolean inPlace = (*env)->IsSameObject(env, x, out);
    pins pinned = {.count = 0};
    float *px = CRIT(env, x);
    float *pb = CRIT(env, bias);
    float *po = inPlace ? px : CRIT(env, out);
    k_subtract_row(px, rows, dim, pb + biasFrom, po);
    unpin_all(env, &pinned);
}

JNIEXPORT void JNICALL Java_org_saelab_api_NativeKernels_addColumnSums0(JNIEnv *env, jclass cls, jfloatArray x,
        jint rows, jint dim, jfloatArray acc, jint accFrom) {
    pins pinned = {.count = 0};
    float *px = CRIT(env, x);
    float *pa = CRIT(env, acc);
    k_add_column_sums(px, rows, dim, pa + accFrom);
    unpin_all(env, &pinned);
}

JNIEXPORT void JNICALL Java_org_saelab_api_NativeKernels_affineRows0(JNIEnv *env, jclass cls, jfloatArray c,
        jint rows, jint dim, jfloatArray w, jint paddedWidth, jfloatArray bias, jfloatArray norms, jint width,
        jfloatArray raw, jfloatArray scaled, jfloatArray x, jfloatArray center, jint centerFrom) {
    pins pinned = {.count = 0};
    float *pc = CRIT(env, c);
    float *pw = CRIT(env, w);
    float *pb = CRIT(env, bias);
    float *pn = CRIT(env, norms);
    float *pr = CRIT(env, raw);
    float *ps = CRIT(env, scaled);
    float *px = CRIT(env, x);
    float *pcenter = CRIT(env, center);
    k_affine_rows(pc, rows, dim, pw, paddedWidth, pb, pn, width, pr, ps, px, pcenter ? pcenter + centerFrom : 0);
    unpin_all(env, &pinned);
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_decodeSortedRows0(JNIEnv *env, jclass cls,
        jintArray rowOf, jintArray latents, jfloatArray scales, jint count, jfloatArray w, jint paddedDim,
        jfloatArray bias, jint rows, jint dim, jfloatArray out) {
    pins pinned = {.count = 0};
    jint wRows = (*env)->GetArrayLength(env, w) / paddedDim;
    int32_t *pr = CRIT(env, rowOf);
    int32_t *pl = CRIT(env, latents);
    float *ps = CRIT(env, scales);
    float *pw = CRIT(env, w);
    float *pb = CRIT(env, bias);
    float *po = CRIT(env, out);
    int status = k_decode_sorted_rows(pr, pl, ps, count, pw, paddedDim, wRows, pb, rows, dim, po);
    unpin_all(env, &pinned);
    return status;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_scatterByLatent0(JNIEnv *env, jclass cls,
        jintArray starts, jint latents, jintArray rows, jfloatArray scales, jfloatArray src, jint dim,
        jint srcRows, jfloatArray w, jfloatArray acc, jint paddedDim, jfloatArray dots) {
    pins pinned = {.count = 0};
    jint entries = (*env)->GetArrayLength(env, rows);
    jint scaleCount = (*env)->GetArrayLength(env, scales);
    if (scaleCount < entries) {
        entries = scaleCount;
    }
    if (dots) {
        jint dotCount = (*env)->GetArrayLength(env, dots);
        if (dotCount < entries) {
            entries = dotCount;
        }
    }
    int32_t *pst = CRIT(env, starts);
    int32_t *pr = CRIT(env, rows);
    float *ps = CRIT(env, scales);
    float *psrc = CRIT(env, src);
    float *pw = CRIT(env, w);
    float *pa = CRIT(env, acc);
    float *pd = CRIT(env, dots);
    int status = k_scatter_by_latent(pst, latents, pr, ps, psrc, dim, srcRows, pw, pa, paddedDim, pd, entries);
    unpin_all(env, &pinned);
    return status;
}

JNIEXPORT jdouble JNICALL Java_org_saelab_api_NativeKernels_scaledDifference0(JNIEnv *env, jclass cls,
        jfloatArray a, jfloatArray b, jint n, jfloat scale, jfloatArray grad) {
    pins pinned = {.count = 0};
    float *pa = CRIT(env, a);
    float *pb = CRIT(env, b);
    float *pg = CRIT(env, grad);
    double total = k_scaled_difference(pa, pb, n, scale, pg);
    unpin_all(env, &pinned);
    return total;
}

JNIEXPORT jlong JNICALL Java_org_saelab_api_NativeKernels_gatherBand0(JNIEnv *env, jclass cls, jfloatArray pre,
        jint n, jint lo, jint hi, jfloatArray scratch, jintArray latents, jfloatArray values, jint start) {
    pins pinned = {.count = 0};
    jint capacity = (*env)->GetArrayLength(env, latents);
    jint valueCount = (*env)->GetArrayLength(env, values);
    if (valueCount < capacity) {
        capacity = valueCount;
    }
    jint scratchLength = (*env)->GetArrayLength(env, scratch);
    float *pp = CRIT(env, pre);
    float *ps = CRIT(env, scratch);
    int32_t *pl = CRIT(env, latents);
    float *pv = CRIT(env, values);
    int64_t result = k_gather_band(pp, n, lo, hi, ps, scratchLength, pl, pv, start, capacity);
    unpin_all(env, &pinned);
    return result;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_keepAtLeast0(JNIEnv *env, jclass cls, jintArray rows,
        jintArray latents, jfloatArray values, jint start, jint end, jfloat cut, jint width) {
    pins pinned = {.count = 0};
    int32_t *pr = CRIT(env, rows);
    int32_t *pl = CRIT(env, latents);
    float *pv = CRIT(env, values);
    int w = k_keep_at_least(pr, pl, pv, start, end, cut, width);
    unpin_all(env, &pinned);
    return w;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_backwardDecode0(JNIEnv *env, jclass cls,
        jintArray codeRows, jintArray codeLatents, jfloatArray codeValues, jint count, jint limit, jint batch,
        jfloatArray norms, jfloatArray gradOut, jint dim, jfloatArray w, jint paddedDim, jint width, jfloatArray g,
        jint wDecOffset, jfloatArray gradPre, jfloatArray gradNorms, jboolean rescale, jintArray starts,
        jintArray next, jintArray sortedRows, jfloatArray sortedValues, jfloatArray sortedScales,
        jfloatArray sortedDots, jfloatArray acc) {
    pins pinned = {.count = 0};
    int32_t *pcr = CRIT(env, codeRows);
    int32_t *pcl = CRIT(env, codeLatents);
    float *pcv = CRIT(env, codeValues);
    float *pn = CRIT(env, norms);
    float *pgo = CRIT(env, gradOut);
    float *pw = CRIT(env, w);
    float *pg = CRIT(env, g);
    float *pgp = CRIT(env, gradPre);
    float *pgn = CRIT(env, gradNorms);
    int32_t *pst = CRIT(env, starts);
    int32_t *pnx = CRIT(env, next);
    int32_t *psr = CRIT(env, sortedRows);
    float *psv = CRIT(env, sortedValues);
    float *pss = CRIT(env, sortedScales);
    float *psd = CRIT(env, sortedDots);
    float *pa = CRIT(env, acc);
    /* by rows while a row fits in registers (the code's scales go to sortedScales) */
    int kept = dim <= MAX_ROW_VECTORS * L && width <= MAX_ROW_WIDTH
            ? k_backward_decode_rows(pcr, pcl, pcv, count, limit, batch, pn, pgo, dim, pw, paddedDim, width,
                    pg + wDecOffset, pgp, pgn, rescale, pa, pss)
            : k_backward_decode(pcr, pcl, pcv, count, limit, batch, pn, pgo, dim, pw, paddedDim, width,
                    pg + wDecOffset, pgp, pgn, rescale, pst, pnx, psr, psv, pss, psd, pa);
    unpin_all(env, &pinned);
    return kept;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_backwardEncode0(JNIEnv *env, jclass cls,
        jfloatArray gradPre, jfloatArray preRaw, jint batch, jint width, jfloatArray norms, jfloatArray gradNorms,
        jboolean rescale, jfloatArray columnGrad, jfloatArray centered, jint dim, jint paddedDim, jfloatArray g,
        jint wEncOffset, jintArray starts, jintArray sortedRows, jfloatArray sortedScales, jfloatArray acc) {
    pins pinned = {.count = 0};
    float *pgp = CRIT(env, gradPre);
    float *ppr = CRIT(env, preRaw);
    float *pn = CRIT(env, norms);
    float *pgn = CRIT(env, gradNorms);
    float *pcg = CRIT(env, columnGrad);
    float *pc = CRIT(env, centered);
    float *pg = CRIT(env, g);
    int32_t *pst = CRIT(env, starts);
    int32_t *psr = CRIT(env, sortedRows);
    float *pss = CRIT(env, sortedScales);
    float *pa = CRIT(env, acc);
    int count = dim <= MAX_ROW_VECTORS * L && width <= MAX_ROW_WIDTH
            ? k_backward_encode_rows(pgp, ppr, batch, width, pn, pgn, rescale, pcg, pc, dim, paddedDim,
                    pg + wEncOffset, pa)
            : k_backward_encode(pgp, ppr, batch, width, pn, pgn, rescale, pcg, pc, dim, paddedDim, pg + wEncOffset,
                    pst, psr, pss, pa);
    unpin_all(env, &pinned);
    return count;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_decodeCode0(JNIEnv *env, jclass cls, jintArray codeRows,
        jintArray codeLatents, jfloatArray codeValues, jint count, jint limit, jint batch, jint width,
        jfloatArray norms, jfloatArray w, jint paddedDim, jfloatArray bias, jint dim, jfloatArray out,
        jintArray entryRows, jintArray entryLatents, jfloatArray entryScales, jfloatArray scratch) {
    pins pinned = {.count = 0};
    int32_t *pcr = CRIT(env, codeRows);
    int32_t *pcl = CRIT(env, codeLatents);
    float *pcv = CRIT(env, codeValues);
    float *pn = CRIT(env, norms);
    float *pw = CRIT(env, w);
    float *pb = CRIT(env, bias);
    float *po = CRIT(env, out);
    int32_t *per = CRIT(env, entryRows);
    int32_t *pel = CRIT(env, entryLatents);
    float *pes = CRIT(env, entryScales);
    float *ps = CRIT(env, scratch);
    int kept = k_decode_code(pcr, pcl, pcv, count, limit, batch, width, pn, pw, paddedDim, pb, dim, po, per, pel, pes,
            ps);
    unpin_all(env, &pinned);
    return kept;
}

JNIEXPORT jint JNICALL Java_org_saelab_api_NativeKernels_mseRows0(JNIEnv *env, jclass cls, jintArray codeRows,
        jintArray codeLatents, jfloatArray codeValues, jint count, jint limit, jint batch, jint width,
        jfloatArray norms, jfloatArray w, jint paddedDim, jfloatArray bias, jfloatArray x, jint dim, jfloat scale,
        jfloatArray recon, jboolean decoded, jfloatArray g, jint bDecOffset, jint wDecOffset, jfloatArray gradPre,
        jfloatArray gradNorms, jboolean rescale, jfloatArray acc, jfloatArray scales, jboolean enc,
        jfloatArray preRaw, jfloatArray columnGrad, jint wEncOffset, jfloatArray accEnc, jfloatArray encTerms,
        jintArray encLatents, jdoubleArray results) {
    pins pinned = {.count = 0};
    mse_pass a;
    a.codeRows = CRIT(env, codeRows);
    a.codeLatents = CRIT(env, codeLatents);
    a.codeValues = CRIT(env, codeValues);
    a.count = count;
    a.limit = limit;
    a.batch = batch;
    a.width = width;
    a.norms = CRIT(env, norms);
    a.w = CRIT(env, w);
    a.paddedDim = paddedDim;
    a.bias = CRIT(env, bias);
    a.x = CRIT(env, x);
    a.dim = dim;
    a.scale = scale;
    a.recon = CRIT(env, recon);
    a.decoded = decoded;
    float *pg = CRIT(env, g);
    a.gBDec = pg + bDecOffset;
    a.gWDec = pg + wDecOffset;
    a.gradPre = CRIT(env, gradPre);
    a.gradNorms = CRIT(env, gradNorms);
    a.rescale = rescale;
    a.acc = CRIT(env, acc);
    a.scales = CRIT(env, scales);
    a.enc = enc;
    a.preRaw = CRIT(env, preRaw);
    a.columnGrad = CRIT(env, columnGrad);
    a.gWEnc = pg + wEncOffset;
    a.accEnc = CRIT(env, accEnc);
    a.encTerms = CRIT(env, encTerms);
    a.encLatents = CRIT(env, encLatents);
    double *out = CRIT(env, results);
    double squares = 0.0;
    int encEntries = 0;
    int kept = k_mse_rows(&a, &squares, &encEntries);
    out[0] = squares;
    out[1] = encEntries;
    unpin_all(env, &pinned);
    return kept;
}

/*
 * The post20 kernel's context (org.saelab.api.Post20Kernel): a direct buffer with this header,
 * then the arrays at the header's byte offsets.
 */
typedef struct {
    uint64_t state;
    int32_t count;
    int32_t index;
    int32_t n;
    int32_t d;
    int32_t stride;
    int32_t fastLayers;
    double mean;
    double std;
    int32_t offWithout;
    int32_t offWith;
    int32_t offWidths;
    int32_t offGauss;
    int32_t offFiring;
    int32_t offMagnitudes;
    int32_t offRows;
    int32_t end;
} post20_context;

JNIEXPORT jint JNICALL Java_org_saelab_api_Post20Kernel_samples0(JNIEnv *env, jclass cls, jobject context,
        jint sample, jint size, jfloatArray inputs, jfloatArray features) {
    char *base = (*env)->GetDirectBufferAddress(env, context);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, context);
    post20_context *c = (post20_context *) base;
    if (!base || capacity < (jlong) sizeof(post20_context) || c->end > capacity || c->n < 2 || c->d < 1
            || c->stride < c->d || c->stride % L != 0 || c->fastLayers < 0 || c->fastLayers > 256
            || c->count < 0 || c->count > c->n || c->index < -1 || (c->index >= 0 && c->index >= c->count)) {
        return BAD_INDEX;
    }
    pins pinned = {.count = 0};
    float *pi = CRIT(env, inputs);
    float *pf = CRIT(env, features);
    int32_t partial[2] = {c->count, c->index};
    int done = k_post20(&c->state, sample, size, c->n, c->d, (const int64_t *) (base + c->offWithout),
            (const int64_t *) (base + c->offWith), (const double *) (base + c->offWidths), c->fastLayers, c->mean,
            c->std, (const float *) (base + c->offRows), c->stride, pi, pf, (int32_t *) (base + c->offFiring),
            (float *) (base + c->offMagnitudes), (const double *) (base + c->offGauss), partial);
    unpin_all(env, &pinned);
    c->count = partial[0];
    c->index = partial[1];
    return done;
}
