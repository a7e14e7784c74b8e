// Internal: OpenSSL contexts for rtml's clients and the loopback server.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "rtml/core/result.h"
#include "rtml/ingest/net/tls_options.h"

namespace rtml::ingest::net::internal {

// A TLS client context trusting the system CA store plus options.ca_file, verifying
// the peer unless options.verify_peer is false. IOError naming the CA file.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeClientTlsContext(const TlsOptions& options);

// Sends `host` as the TLS server name (SNI) of `ssl`, an OpenSSL SSL*; nothing for an
// IP address, which SNI does not carry.
void SetServerName(void* ssl, const std::string& host);

// A TLS server context with the certificate chain and private key of these PEM files.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace rtml::ingest::net::internal
