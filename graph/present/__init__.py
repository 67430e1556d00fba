"""What a person sees: pictures, the interactive view, the report, the schema diagram."""
