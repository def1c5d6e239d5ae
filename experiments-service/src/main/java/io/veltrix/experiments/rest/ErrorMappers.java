package io.veltrix.experiments.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.veltrix.experiments.service.ConflictException;
import io.veltrix.experiments.service.InvalidInputException;
import io.veltrix.experiments.service.InvalidInputException.FieldError;
import io.veltrix.experiments.service.NotFoundException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.StaleObjectStateException;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Domain and input failures as JSON answers with the right status. */
public class ErrorMappers {

    @ServerExceptionMapper
    public RestResponse<ErrorBody> invalid(InvalidInputException e) {
        return json(Response.Status.BAD_REQUEST, new ErrorBody("invalid_request", e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> notFound(NotFoundException e) {
        return json(Response.Status.NOT_FOUND, ErrorBody.of("not_found", e.getMessage()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> conflict(ConflictException e) {
        return json(Response.Status.CONFLICT, ErrorBody.of(e.reason(), e.getMessage()));
    }

    @ServerExceptionMapper({StaleObjectStateException.class, OptimisticLockException.class})
    public RestResponse<ErrorBody> concurrent(RuntimeException e) {
        return json(Response.Status.CONFLICT, ErrorBody.of("concurrent_update",
                "the experiment was changed by another request at the same time: read it again and retry"));
    }

    /** A body that is not JSON, or a value of the wrong type: 400 naming the field. */
    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, MismatchedInputException.class,
            InvalidFormatException.class})
    public RestResponse<ErrorBody> malformed(JsonProcessingException e) {
        String field = "body";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining()).replaceFirst("^\\.", "");
        }
        String reason = e instanceof JsonMappingException ? "wrong type or shape: " + e.getOriginalMessage()
                : "not valid JSON: " + e.getOriginalMessage();
        return json(Response.Status.BAD_REQUEST, new ErrorBody(e instanceof JsonMappingException ? "invalid_request"
                : "malformed_json", field + ": " + reason, List.of(new FieldError(field, reason))));
    }

    /** Quarkus wraps JSON syntax errors of a body in a 400 WebApplicationException: answer those like the others. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json && e.getResponse().getStatus() == 400) {
            return malformed(json).toResponse();
        }
        return e.getResponse();
    }

    static RestResponse<ErrorBody> json(Response.Status status, ErrorBody body) {
        return RestResponse.ResponseBuilder.create(status, body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
