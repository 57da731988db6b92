using System;

namespace RingIpc;

/// <summary>The server process of a call exited (or its endpoint was closed): every pending and later call of
/// the client fails with this.</summary>
public sealed class CallServerExitedException : Exception
{
    internal CallServerExitedException(string endpoint, int processId, string how)
        : base($"Server process {processId} of endpoint '{endpoint}' {how}; the call did not complete.")
    {
        ProcessId = processId;
        How = how;
    }

    /// <summary>The server's process id.</summary>
    public int ProcessId { get; }

    /// <summary>What happened ("exited", "closed its endpoint"), to say it again for a later call.</summary>
    internal string How { get; }
}
