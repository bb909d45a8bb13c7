/* rnndyn.h: the C interface of libRNNDynC.so (SwiftPM product RNNDynC; `swift build -c release --product RNNDynC`).
 *
 * Python binds it in python/rnndyn/_native.py; any language with a C FFI can call it the same way.
 *
 * Every call returns a result handle, never NULL and never a crash on bad input: read it with the rnndyn_result_*
 * accessors and release it with rnndyn_result_free. Strings are UTF-8 and NUL-terminated. Numbers are float64
 * unless stated. The library runs OpenBLAS with one thread (results do not depend on the machine's cores).
 *
 * Array inputs come in groups, which play the role of the command line's files:
 *   - array k belongs to group groups[k] (0 <= groups[k] < group_count) and is named keys[k] in it (unique per group);
 *   - group_names[g] stands for a file path: it names the group in error messages and is the default label of its
 *     network(s) (e.g. "trajectories[3]");
 *   - dtypes[k] is 0 for float64 and 1 for float32 (widened exactly); ranks[k] its rank (0 ... 8); its sizes are the
 *     next ranks[k] entries of shapes (all arrays' sizes concatenated in order);
 *   - data[k] points at its values in C (row-major) order. The library only reads them, during the call, and copies
 *     them once into its own storage; the caller keeps ownership.
 *   - A group holding one array gives that array whatever its key; a stacked array (a leading network axis) gives
 *     several networks, as a stacked array in one file does for the command line.
 * Inputs are limited to 4 GiB per call, and every computation refuses, before any work, sizes whose working memory
 * would not fit (status 2).
 */
#ifndef RNNDYN_H
#define RNNDYN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version string (static storage; never freed). */
const char *rnndyn_version(void);

/* JSON {"metrics": [{"name", "summary", "input": "dynamics"|"weights", "options": [{"name", "default", "allowed",
 * "help"}]}], "ntk": {"name", "options": [...]}, "tasks": [...]} (static storage). Option names are the command
 * line's, without the leading "--". */
const char *rnndyn_metrics(void);

/* `rnndyn compare <metric> FILES... <options> --seed <seed> --threads <threads> --mds-dimensions <k>` on arrays.
 *   metric:   "dsa" | "pif" | "cka" | "procrustes" | "cca" | "svcca" | "rsa";
 *   options:  option_count command-line tokens, e.g. {"--n-delays", "5", "--score", "angular"};
 *   key:      NULL, or the array key to read in every group (the command line's --key);
 *   layout:   NULL (= "auto"), "auto", "trials-time-units" or "time-trials-units" (--layout);
 *   labels:   NULL, or comma-separated network names (--labels);
 *   threads:  1 ... 1024, pairs computed in parallel (results are identical for any value);
 *   mds_dimensions: 1 ... the number of networks.
 * Result arrays: "distances" [M, M]; the metric's own [M, M] matrices (dsa "angular", "euclidean"; pif
 * "normalized_distances"); "mds_coordinates" [M, k]; "mds_eigenvalues" [M]. JSON: the command's compare.json.
 * The same arrays, options and seed give the command line's distances.npz bit for bit. */
void *rnndyn_compare(const char *metric, const char *const *options, int32_t option_count,
                     int32_t group_count, const char *const *group_names,
                     int32_t array_count, const int32_t *groups, const char *const *keys, const int32_t *dtypes,
                     const int32_t *ranks, const int64_t *shapes, const void *const *data,
                     const char *key, const char *layout, const char *labels,
                     uint64_t seed, int32_t threads, int32_t mds_dimensions);

/* `rnndyn ntk FILE <options>`: the exact empirical NTK of the linear RNN h_1 = 0, h_{t+1} = W_h h_t + W_x x_t with
 * readout W_y h_{T+1} ("final") or W_y h_{t+1} at every step ("autoregressive").
 *   options: e.g. {"--readout", "final", "--blocks", "wx,wh,wy"};
 *   one group holding "W_x" [N_h, N_x], "W_h" [N_h, N_h], "W_y" [N_y, N_h] and "inputs" [P, T, N_x].
 * Result array "kernel" [N_y*R*P, N_y*R*P], R = 1 (final) or T, row i + N_y*(p + P*t); JSON: ntk.json. */
void *rnndyn_ntk(const char *const *options, int32_t option_count,
                 int32_t group_count, const char *const *group_names,
                 int32_t array_count, const int32_t *groups, const char *const *keys, const int32_t *dtypes,
                 const int32_t *ranks, const int64_t *shapes, const void *const *data);

/* trials trials (1 ... 1e6) of a neuroscience task: "flip_flop" | "delayed_discrimination" | "sine_wave" |
 * "path_integration", with knobs_json a JSON object of the task's knobs as in `rnndyn train`'s data.* (NULL = {}).
 * Drawn from the stream node tasks/<task> of seed; with include_ood != 0 also the OOD variant's trials (node "ood").
 * Result arrays "inputs", "targets", "mask" [T, B, d] (and "ood_inputs", "ood_targets", "ood_mask"); JSON: the
 * task's parameters with "seed" (a decimal string) and "stream_path". */
void *rnndyn_task(const char *task, const char *knobs_json, uint64_t seed, int64_t trials, int32_t include_ood);

/* 0 success, 2 bad input (the command line's exit status 2), 1 another failure (also for a NULL handle). */
int32_t rnndyn_result_status(void *result);
/* The one-line message (the command line's error line without "rnndyn: error: "), or NULL on success. */
const char *rnndyn_result_error(void *result);
/* The JSON record, or NULL on error. */
const char *rnndyn_result_json(void *result);
/* The arrays: count, then for 0 <= i < count the name, rank, sizes and float64 values in C order (NULL / -1 when i
 * is out of range). Every pointer stays valid until rnndyn_result_free. */
int32_t rnndyn_result_array_count(void *result);
const char *rnndyn_result_array_name(void *result, int32_t i);
int32_t rnndyn_result_array_rank(void *result, int32_t i);
const int64_t *rnndyn_result_array_shape(void *result, int32_t i);
const double *rnndyn_result_array_data(void *result, int32_t i);
/* Releases a result (NULL is ignored). */
void rnndyn_result_free(void *result);

#ifdef __cplusplus
}
#endif

#endif
