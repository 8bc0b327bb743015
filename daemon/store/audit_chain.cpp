#include "store/audit_chain.hpp"

// OpenSSL's EVP interface sets up its whole provider framework on the first digest: 4 M
// instructions, a sixth of a `done` (callgrind). The SHA256_* functions hash the same
// bytes without it. OpenSSL 3 marks them deprecated but keeps them in every 3.x
// release; declaring the 1.1.1 API level keeps the compiler quiet about it.
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 10101
#endif
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace scadenzario::store {

namespace {

void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

}  // namespace

std::string audit_row_hash(const AuditRow& row) {
  std::string content = row.prev_hash;
  const std::string seq = std::to_string(row.seq);
  for (const std::string_view field :
       {std::string_view(seq), std::string_view(row.at),
        std::string_view(row.author), std::string_view(row.action), std::string_view(row.act),
        std::string_view(row.occurrence), std::string_view(row.step), std::string_view(row.member),
        std::string_view(row.done_by), std::string_view(row.reference),
        std::string_view(row.document_url), std::string_view(row.note),
        std::string_view(row.forced ? "1" : "0")}) {
    append_field(content, field);
  }
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, content.data(), content.size()) != 1 ||
      SHA256_Final(digest.data(), &context) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");  // a broken libcrypto: a bug, not input
  }
  std::string hex;
  hex.reserve(2 * digest.size());
  for (const unsigned char byte_value : digest) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", byte_value);
    hex += byte;
  }
  return hex;
}

}  // namespace scadenzario::store
