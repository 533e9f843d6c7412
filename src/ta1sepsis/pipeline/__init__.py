"""The pipeline layer: parameters, rendering, Make dependencies, the site and the benchmark."""
