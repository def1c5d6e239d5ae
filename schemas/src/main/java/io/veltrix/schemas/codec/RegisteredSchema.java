package io.veltrix.schemas.codec;

import org.apache.avro.Schema;

/**
 * One version of a schema as the registry holds it.
 *
 * @param groupId   Apicurio group (the Avro namespace)
 * @param artifactId Apicurio artifact id (the Avro record name)
 * @param version   the registry's version label
 * @param contentId the id written into every message encoded with this schema
 * @param schema    the parsed schema
 */
public record RegisteredSchema(String groupId, String artifactId, String version, long contentId, Schema schema) {
}
