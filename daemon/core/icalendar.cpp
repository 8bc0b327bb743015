#include "core/icalendar.hpp"

#include <cstdio>

namespace scadenzario::ical {

std::string escape_text(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\': escaped += "\\\\"; break;
      case ';': escaped += "\\;"; break;
      case ',': escaped += "\\,"; break;
      case '\n': escaped += "\\n"; break;
      case '\r': break;
      default: escaped += c;
    }
  }
  return escaped;
}

void append_line(std::string& out, std::string_view line) {
  constexpr std::size_t k_max_octets = 75;
  std::size_t limit = k_max_octets;
  while (line.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0u) == 0x80u) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = k_max_octets - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
}

std::string date_value(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d%02u%02u", year_of(date), month_of(date), day_of(date));
  return text;
}

std::string utc_stamp(std::time_t stamp) {
  std::tm utc{};
  gmtime_r(&stamp, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

}  // namespace scadenzario::ical
