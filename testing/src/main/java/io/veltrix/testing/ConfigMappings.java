package io.veltrix.testing;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service's settings ({@code @ConfigMapping}) built and validated the way Quarkus does at start when Hibernate
 * Validator is present, without starting the service: its defaults plus the values given.
 */
public final class ConfigMappings {

    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private ConfigMappings() {
    }

    /**
     * Fails unless {@code key=value} (the other keys at their defaults) is refused with exactly one problem, which
     * names that key.
     */
    public static void assertRefused(Class<?> mapping, String key, String value) {
        List<String> problems = problems(mapping, Map.of(key, value));
        if (problems.size() != 1 || !problems.get(0).startsWith(key + " ")) {
            throw new AssertionError(key + "=" + value + " should be refused, naming the key; problems: " + problems);
        }
    }

    /**
     * @return the problems found, one message each ("veltrix.x.y must be greater than 0"); empty when the values are
     * accepted
     */
    public static List<String> problems(Class<?> mapping, Map<String, String> values) {
        try {
            new SmallRyeConfigBuilder()
                    .withMapping(mapping)
                    .withSources(new PropertiesConfigSource(values, "test values", 500))
                    .withValidator((BeanValidationConfigValidator) () -> VALIDATOR)
                    .build();
            return List.of();
        } catch (ConfigValidationException e) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(e.getProblem(i).getMessage());
            }
            return problems;
        }
    }
}
