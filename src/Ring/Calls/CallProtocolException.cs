using System;

namespace RingIpc;

/// <summary>A call's frame or encoding is invalid: a peer built from another contract, a bug, or a hostile peer.
/// A server answers such a request with this error and goes on serving; a client fails the call.</summary>
public sealed class CallProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CallProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CallProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A method id the contract does not have (the generated dispatchers throw this).</summary>
    public static CallProtocolException UnknownMethod(CallContract contract, int methodId) =>
        new($"Contract {contract.Name} has no method with id {methodId}.");

    /// <summary>An enum value the enum does not define (the generated dispatchers throw this).</summary>
    public static CallProtocolException UndefinedEnum(string what, string enumName, long value) =>
        new($"{what} is {value}, which {enumName} does not define.");
}
