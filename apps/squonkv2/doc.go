// Package squonkv2 holds JupyterNotebook (squonk.it/v2), wire-compatible
// with the Squonk2 Data Manager's Jupyter operator: every field of the
// spec under spec.imDataManager, the operator's result under
// status.jupyter (notebook URL, token and interface), and the CRD's
// application-contract annotations, so that the Data Manager, and the
// apps package's helpers, find notebooks as an application kind.
package squonkv2
