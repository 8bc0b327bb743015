#include "core/step_state.hpp"

namespace scadenzario {

std::string_view to_string(StepStatus status) {
  return status == StepStatus::done ? "done" : "waived";
}

StepStates::StepStates(std::vector<StepRecord> records) : m_records(std::move(records)) {
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    const StepKey& key = m_records[i].key;
    m_index.emplace(std::tuple<std::string_view, std::string_view, std::string_view>{
                        key.occurrence, key.step, key.member},
                    i);
  }
}

const StepRecord* StepStates::find(std::string_view occurrence, std::string_view step,
                                   std::string_view member) const {
  const auto it = m_index.find({occurrence, step, member});
  return it == m_index.end() ? nullptr : &m_records[it->second];
}

}  // namespace scadenzario
