package dev.creditgate.examples.upload;

import java.time.Instant;

/**
 * One uploaded file, as the API shows it. The bytes would go to object storage; the service keeps what it needs to
 * list them.
 *
 * @param id the upload's id
 * @param section where in the user's project the file goes
 * @param filename the file's name as sent
 * @param sizeBytes its size
 * @param sha256 its SHA-256, hex
 * @param createdAt when it was stored
 */
public record Upload(long id, String section, String filename, long sizeBytes, String sha256, Instant createdAt) {
}
