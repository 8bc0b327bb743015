// scadenzario backup, audit verify, audit export.
#include "cli/command_context.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace scadenzario::cli {

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

void write_csv_row(const store::AuditRow& row) {
  const std::string seq = std::to_string(row.seq);
  const std::string_view fields[] = {seq, row.at, row.author, row.action, row.act, row.occurrence,
                                     row.step, row.member, row.done_by, row.reference,
                                     row.document_url, row.note, row.forced ? "1" : "0",
                                     row.prev_hash, row.hash};
  std::string line;
  for (std::string_view field : fields) line += (line.empty() ? "" : ",") + csv_field(field);
  std::cout << line << "\r\n";
}

store::Result<store::Store> open_existing(const CommandContext& context) {
  return store::Store::open(context.state_path, store::Store::Access::read_only);
}

int export_audit(store::Store& store, const std::string& format) {
  if (format == "csv") {
    std::cout << "seq,at,author,action,act,occurrence,step,member,done_by,reference,document_url,"
                 "note,forced,prev_hash,hash\r\n";
    auto done = store.for_each_audit_row(write_csv_row);
    return done ? k_exit_ok : fail(done.error());
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  auto done = store.for_each_audit_row([&](const store::AuditRow& row) {
    rows.push_back({{"seq", row.seq}, {"at", row.at}, {"author", row.author}, {"action", row.action},
                    {"act", row.act}, {"occurrence", row.occurrence}, {"step", row.step},
                    {"member", row.member}, {"done_by", row.done_by}, {"reference", row.reference},
                    {"document_url", row.document_url}, {"note", row.note}, {"forced", row.forced},
                    {"prev_hash", row.prev_hash}, {"hash", row.hash}});
  });
  if (!done) return fail(done.error());
  std::cout << rows.dump(2) << "\n";
  return k_exit_ok;
}

}  // namespace

int run_backup(CommandContext& context) {
  auto opened = open_existing(context);
  if (!opened) return fail(opened.error());
  const std::string& destination = context.args.positional[0];
  if (auto done = opened->backup(destination); !done) return fail(done.error());
  std::cout << fmt::format("Copia di {} scritta in {}\n", context.state_path.string(), destination);
  return k_exit_ok;
}

int run_audit(CommandContext& context) {
  const std::string& action = context.args.positional[0];
  if (action != "verify" && action != "export") {
    return fail(k_exit_invalid, fmt::format("audit {}: atteso verify o export", action));
  }
  auto opened = open_existing(context);
  if (!opened) return fail(opened.error());
  if (action == "export") {
    const auto format = context.args.get("--format");
    if (!format || (*format != "csv" && *format != "json")) {
      return fail(k_exit_invalid, "audit export richiede --format csv oppure --format json");
    }
    return export_audit(*opened, *format);
  }
  if (context.args.has("--format")) return fail(k_exit_invalid, "audit verify non ha --format");
  auto check = opened->verify_audit();
  if (!check) return fail(check.error());
  if (check->problem) {
    return fail(k_exit_refused, fmt::format("registro delle modifiche ALTERATO dopo {} righe integre: {}",
                                            check->rows, *check->problem));
  }
  std::cout << fmt::format("Registro delle modifiche integro: {} righe, catena di hash verificata.\n",
                           check->rows);
  return k_exit_ok;
}

}  // namespace scadenzario::cli
