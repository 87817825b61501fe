"""Qt widgets and windows. The only package that may import QtWidgets."""
