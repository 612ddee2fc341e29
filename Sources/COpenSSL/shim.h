// Debian's OpenSSL libcrypto, used only for 3DES-CBC (ENCR_3DES, RFC 2451), which swift-crypto lacks.
#include <openssl/evp.h>
