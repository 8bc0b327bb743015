#include "store/audit_chain.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

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
  // SHA-256 needs no provider configuration; loading openssl.cnf on first use costs
  // most of a millisecond per command.
  static const bool k_initialised = OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) == 1;
  (void)k_initialised;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");  // a broken libcrypto: a bug, not input
  }
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace scadenzario::store
