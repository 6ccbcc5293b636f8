"""The pages where people work: server-rendered, a client of the four services' APIs."""
