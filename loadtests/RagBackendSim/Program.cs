using RagBackendSim;

// Everything lives in RagBackend.Create so tests and the load driver can host the same app in-process.
var app = RagBackend.Create(args);
app.Run();
