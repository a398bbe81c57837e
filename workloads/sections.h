// moesim — readers of the scenario sections other than `model` and `cluster`.
#pragma once

#include "workloads/energy_spec.h"
#include "workloads/parallelism_spec.h"
#include "workloads/simulation_spec.h"
#include "workloads/training_spec.h"
#include "workloads/yaml_reader.h"

namespace moesim::workloads {

/// `parallelism:` data (required), expert, tensor, pipeline (default 1), micro_batches (default 1, required
/// when pipeline > 1), expert_placement (contiguous | round-robin, default contiguous).
ParallelismSpec parse_parallelism_section(const YamlMap& section);

/// `training:` exactly one of global_batch_tokens / global_batch_sequences; sequence_length (required);
/// total_tokens (optional); precision (fp32 | bf16 | fp16 | fp8, required); matmul_precision (fp32 | tf32 |
/// bf16 | fp16 | fp8 | int8, optional); recompute (default false);
/// optimizer (adam | adafactor, default adam). A token batch must be a whole number of sequences.
TrainingSpec parse_training_section(const YamlMap& section);

/// `simulation:` backend (analytic | ptask | flow, default analytic); routing {distribution uniform | zipf |
/// histogram (default uniform), zipf_s (zipf only, required there), histogram (histogram only, required
/// there), seed (default 1)}; trace_devices (list, default none); dispatch (dropless | padded); all_to_all
/// (auto | direct | pairwise | hierarchical, default auto); overlap {grad_reduce, tp_comm, param_gather};
/// grad_bucket. moesim simulates one representative step: a `steps` key is rejected with a pointer to
/// training.total_tokens.
SimulationSpec parse_simulation_section(const YamlMap& section);

/// `energy:` pue (>= 1) required; grid_kgco2e_per_kwh (>= 0) or grid_region (grid_regions()), exactly one;
/// optional (W, suffixes allowed): system_power_w_per_accelerator, host_power_w_per_node,
/// nic_power_w_per_port, node_switch_power_w, switch_power_w, switch_port_power_w, chip_power {compute_bound,
/// memory_bound, communication, idle}; embodied_kgco2e_per_accelerator_hour (>= 0).
EnergySpec parse_energy_section(const YamlMap& section);

/// `cost:` usd_per_accelerator_hour (>= 0, required).
CostSpec parse_cost_section(const YamlMap& section);

}  // namespace moesim::workloads
