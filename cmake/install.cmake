# Install rules: issue 14.
