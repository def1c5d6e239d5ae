package io.veltrix.ingest.service.tracking;

import io.veltrix.ingest.service.RequestRefusedException;

import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Decompresses request bodies without ever holding more than the request limit (no gzip bombs). */
final class BodyDecoder {

    private BodyDecoder() {
    }

    static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "":
            case "identity":
                if (body.length > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                return body;
            case "gzip":
            case "x-gzip":
                return gunzip(body, maxBytes);
            default:
                throw new RequestRefusedException(RequestRefusedException.Refusal.UNSUPPORTED, Reasons.UNSUPPORTED_ENCODING, JsonPaths.ROOT,
                        "Content-Encoding '" + contentEncoding + "' is not supported: send gzip or no encoding");
        }
    }

    private static byte[] gunzip(byte[] body, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4 + 64));
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                if (out.size() > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.INVALID, Reasons.MALFORMED_GZIP, JsonPaths.ROOT,
                    "the body is declared gzip but cannot be decompressed: " + e.getMessage());
        }
    }

    static RequestRefusedException tooLarge(int maxBytes) {
        return new RequestRefusedException(RequestRefusedException.Refusal.TOO_LARGE, Reasons.REQUEST_TOO_LARGE, JsonPaths.ROOT,
                "the request is larger than the limit of " + maxBytes + " bytes (after decompression): split the batch",
                maxBytes);
    }
}
