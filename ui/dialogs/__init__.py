"""The counter's operation dialogs, one module per group, imported when first opened."""
