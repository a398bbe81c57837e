// moesim — the fixed costs a collective library pays on top of moving bytes.
#pragma once

namespace moesim::collectives {

/// Per-collective and per-step overheads of a real collective library, here NCCL with its Simple protocol
/// (the one used for large messages). Source: NVIDIA/nccl `src/graph/tuning.cc` (NCCL 2.8 era, commit
/// 01afd20a), the tables NCCL itself uses to predict a collective's time:
///   baseLat[Ring][Simple] = 8.4 us                       -> launch_s (once per collective)
///   hwLat[NVLINK][Ring][Simple] = 3.4 us per ring step   -> step_intra_node_s
///   hwLat[NET][Ring][Simple]    = 9.6 us per ring step   -> step_inter_node_s
/// NCCL's hwLat is its whole per-step latency; moesim adds the topology's link latencies on top, so a step
/// is over-counted by the wire latency (~1 us per hop) — keep fabric latencies small or calibrate.
/// Chunking: NCCL stages data through NCCL_BUFFSIZE = 4 MiB per channel split into NCCL_STEPS = 8 slots
/// (NCCL docs "Environment Variables", NCCL_BUFFSIZE default 4194304; src/include/devcomm.h NCCL_STEPS 8),
/// i.e. 512 KiB per pipelined step: chunk_bytes. The tree all-reduce pipelines chunks of that size.
struct LibraryParams {
  double launch_s = 8.4e-6;           ///< kernel launch + setup, once per collective (NCCL baseLat)
  double step_intra_node_s = 3.4e-6;  ///< per phase whose transfers all stay inside nodes (NVLink)
  double step_inter_node_s = 9.6e-6;  ///< per phase with at least one inter-node transfer (network)
  /// Extra cost of each additional message a rank issues in one phase (the step overhead covers the
  /// first): a phase where some rank sends k messages pays (k-1) × message_s more. This is LogGP's
  /// per-message overhead o, ~1 us for MPI over InfiniBand (Hoefler, Lichei, Rehm, "Low-overhead LogGP
  /// parameter assessment for modern interconnection networks", IPDPS 2007) — it is what makes a direct
  /// all-to-all of many small messages slower than Tutel's hierarchical one (fewer, larger messages).
  double message_s = 1e-6;
  double chunk_bytes = 512.0 * 1024;  ///< pipelining granularity of the tree all-reduce
  /// Cap on pipelined chunks per tree (chunks grow beyond chunk_bytes for huge messages): bounds the
  /// number of simulated phases; the pipeline fill error it causes is about 2·depth / max_pipeline_chunks.
  int max_pipeline_chunks = 128;
};

}  // namespace moesim::collectives
