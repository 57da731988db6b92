using System;

namespace RingIpc;

/// <summary>A client and a server were built from different versions of a contract (or from different
/// contracts): the connection is refused, and the message names both fingerprints.</summary>
public sealed class CallContractMismatchException : Exception
{
    internal CallContractMismatchException(string endpoint, CallContract client, string serverName, ulong serverFingerprint)
        : base($"Endpoint '{endpoint}' serves {serverName} with fingerprint {Hex(serverFingerprint)}, but this client was built for " +
               $"{client.Name} with fingerprint {Hex(client.Fingerprint)}: rebuild one side from the other's contract.")
    {
        ClientFingerprint = client.Fingerprint;
        ServerFingerprint = serverFingerprint;
    }

    /// <summary>The fingerprint of the client's contract.</summary>
    public ulong ClientFingerprint { get; }

    /// <summary>The fingerprint of the server's contract.</summary>
    public ulong ServerFingerprint { get; }

    internal static string Hex(ulong fingerprint) => "0x" + fingerprint.ToString("X16");
}
