"""The pages, one module per team's staff (each a mixin of the gateway's service), and what they share."""
