package io.veltrix.experiments;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One arm of an experiment (table {@code experiments.variant}; the list position is the GrowthBook variation
 * index, position 0 is the control). {@code parameters} is the reward structure the game reads, a JSON object
 * kept as text.
 */
@Embeddable
public class Variant {

    @Column(name = "key", nullable = false)
    public String key;

    @Column(name = "name")
    public String name;

    @Column(name = "weight", nullable = false)
    public double weight;

    @Column(name = "parameters", nullable = false)
    @ColumnTransformer(read = "cast(parameters as text)", write = "cast(cast(? as text) as jsonb)")
    public String parameters;

    public Variant() {
    }

    public Variant(String key, String name, double weight, String parameters) {
        this.key = key;
        this.name = name;
        this.weight = weight;
        this.parameters = parameters;
    }
}
