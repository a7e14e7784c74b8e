#include "tls_context.h"

#include <openssl/ssl.h>

#include <exception>

#include <boost/asio/ip/address.hpp>

namespace rtml::ingest::net::internal {
namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeClientTlsContext(const TlsOptions& options) {
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_client);
  } catch (const std::exception& e) {
    return Status::IOError(std::string("cannot create a TLS context: ") + e.what());
  }
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1,
                       ec);
  if (context->set_default_verify_paths(ec); ec) {
    return Status::IOError("cannot load the system CA store: " + ec.message());
  }
  if (!options.ca_file.empty()) {
    if (context->load_verify_file(options.ca_file, ec); ec) {
      return Status::IOError("cannot load CA file " + options.ca_file + ": " + ec.message());
    }
  }
  context->set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  return context;
}

void SetServerName(void* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (!ec) return;
  // SSL_set_tlsext_host_name() is a macro with a C cast; this is what it expands to.
  SSL_ctrl(static_cast<SSL*>(ssl), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(host.c_str()));
}

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                           const std::string& key_file) {
  std::unique_ptr<ssl::context> context;
  try {
    context = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::IOError(std::string("cannot create a TLS context: ") + e.what());
  }
  boost::system::error_code ec;
  context->set_options(
      ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3, ec);
  if (context->use_certificate_chain_file(cert_file, ec); ec) {
    return Status::IOError("cannot load certificate " + cert_file + ": " + ec.message());
  }
  if (context->use_private_key_file(key_file, ssl::context::pem, ec); ec) {
    return Status::IOError("cannot load private key " + key_file + ": " + ec.message());
  }
  return context;
}

}  // namespace rtml::ingest::net::internal
