#include "core/diagnostic.hpp"

#include <algorithm>
#include <mutex>
#include <ostream>
#include <numeric>
#include <unordered_set>
#include <utility>

namespace scadenzario {

FileName::FileName(std::string name) {
  if (name.empty()) return;
  // Never destroyed, so a name stays valid even in other statics' destructors; nodes of
  // the set never move, so the pointers stay valid as it grows.
  static auto& guard = *new std::mutex;
  static auto& names = *new std::unordered_set<std::string>;
  const std::scoped_lock lock(guard);
  m_name = &*names.insert(std::move(name)).first;
}

const std::string& FileName::str() const {
  static const std::string none;
  return m_name ? *m_name : none;
}

std::ostream& operator<<(std::ostream& out, const FileName& name) { return out << name.str(); }

std::string SourceLocation::to_string() const {
  if (line == 0) return file;
  return file.str() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::to_string() const { return where.to_string() + ": " + message; }

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  // A typo changes a few characters; beyond a third of the word it is another word.
  const std::size_t max_distance = std::max<std::size_t>(2, word.size() / 3);
  // On a tie, the candidate nearest in length wins, then the shorter one ("atto" -> "act",
  // not "actor").
  auto length_gap = [&](std::string_view c) {
    return c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
  };
  std::string_view best;
  std::size_t best_distance = max_distance + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    const bool better =
        distance < best_distance ||
        (distance == best_distance && !best.empty() &&
         std::pair{length_gap(candidate), candidate.size()} < std::pair{length_gap(best), best.size()});
    if (better) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string_view best = closest_match(word, candidates);
  if (best.empty()) return {};
  return " (did you mean \"" + std::string(best) + "\"?)";
}

}  // namespace scadenzario
