using System;

namespace RingIpc;

/// <summary>The server's implementation threw: carries the remote exception's type and message (its stack
/// stays on the server, which may be another bitness and runtime).</summary>
public sealed class RemoteCallException : Exception
{
    internal RemoteCallException(string remoteType, string remoteMessage)
        : base($"The server's handler threw {remoteType}: {remoteMessage}")
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
    }

    /// <summary>The full name of the exception type the server's handler threw.</summary>
    public string RemoteType { get; }

    /// <summary>That exception's message.</summary>
    public string RemoteMessage { get; }
}
