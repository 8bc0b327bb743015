// What is known of the progress of steps: which step of which occurrence (and, for
// per-member steps, of which member) was done or waived, by whom, with which act of
// reference. A step with no record is pending. Plain values shared by the core and the
// store; ISO 8601 UTC text for instants, as stored.
#pragma once

#include <compare>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace scadenzario {

enum class StepStatus { done, waived };

std::string_view to_string(StepStatus status);

// Identifies the state of one step: occurrence key ("act/2027"), step id, and the
// member's person id ("" for steps that are not per member).
struct StepKey {
  std::string occurrence;
  std::string step;
  std::string member;

  friend auto operator<=>(const StepKey&, const StepKey&) = default;
};

struct StepRecord {
  StepKey key;
  std::string act;
  StepStatus status = StepStatus::done;
  std::string done_by;      // who did it, as recorded
  std::string recorded_at;  // when it was recorded, "2027-01-28T10:15:00Z"
  std::string reference;    // e.g. "Delibera di Giunta n. 12 del 28/01/2027"
  std::string document_url;
  std::string note;
  bool forced = false;  // recorded out of order with --force
};

// The records of some occurrences, looked up by key.
class StepStates {
public:
  StepStates() = default;
  explicit StepStates(std::vector<StepRecord> records);
  // The index holds views into the records: a copy would point into the original. A
  // move keeps the records' buffer, and with it every view.
  StepStates(const StepStates&) = delete;
  StepStates& operator=(const StepStates&) = delete;
  StepStates(StepStates&&) noexcept = default;
  StepStates& operator=(StepStates&&) noexcept = default;

  const StepRecord* find(std::string_view occurrence, std::string_view step,
                         std::string_view member) const;
  std::size_t size() const { return m_records.size(); }

private:
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::size_t>
      m_index;
  std::vector<StepRecord> m_records;
};

}  // namespace scadenzario
