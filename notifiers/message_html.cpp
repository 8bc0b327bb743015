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
  out.reserve(text.size() + text.size() / 8);
  std::size_t plain = 0;  // the start of the run of bytes that need no entity
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&#39;"; break;
      default: continue;
    }
    out.append(text, plain, i - plain).append(entity);
    plain = i + 1;
  }
  return out.append(text, plain);
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
