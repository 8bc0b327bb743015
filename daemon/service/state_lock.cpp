#include "service/state_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace scadenzario::service {

std::expected<StateLock, std::string> StateLock::acquire(const std::filesystem::path& state) {
  const int fd = ::open(state.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return std::unexpected("impossibile aprire " + state.string() + " per il blocco del servizio: " +
                           std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return std::unexpected("un altro scadenzariod usa già il database di stato " + state.string() +
                             ": un solo servizio per database (fermare l'altro, o usare un altro --state)");
    }
    return std::unexpected("impossibile bloccare " + state.string() + ": " + std::strerror(error));
  }
  return StateLock(fd);
}

StateLock::~StateLock() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace scadenzario::service
