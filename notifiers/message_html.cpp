#include "notifiers/message_html.hpp"

namespace scadenzario::notifiers {

namespace {

std::string days_left_it(const MessageItem& item) {
  if (item.days_left >= 0) return std::to_string(item.days_left);
  return "in ritardo di " + std::to_string(-item.days_left);
}

std::string cell(std::string_view tag, std::string_view text) {
  return "<" + std::string(tag) + " style=\"text-align:left;padding:2px 8px\">" +
         escape_html(text) + "</" + std::string(tag) + ">";
}

std::string steps_table(const Message& message) {
  std::string out = "<table style=\"border-collapse:collapse\">\n<tr>" + cell("th", "Atto") +
                    cell("th", "Passo") + cell("th", "Scadenza") + cell("th", "Giorni") + "</tr>\n";
  for (const MessageItem& item : message.items) {
    out += "<tr>" + cell("td", item.act_title) + cell("td", item.actor_title + ": " + item.action) +
           cell("td", format_it(item.due)) + cell("td", days_left_it(item)) + "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_message_html(const Message& message) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    escape_html(message.subject) + "</title>\n</head>\n<body>\n";
  out += "<h1 style=\"font-size:1.2em\">" + escape_html(message.subject) + "</h1>\n";
  if (!message.items.empty()) out += steps_table(message);
  out += "<pre style=\"white-space:pre-wrap\">" + escape_html(message.body) + "</pre>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace scadenzario::notifiers
