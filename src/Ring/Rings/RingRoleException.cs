using System;

namespace RingIpc;

/// <summary>
/// A role that only one process may hold at a time — the consumer of a ring, the producer of an SPSC
/// ring — is held by another endpoint. The role becomes free when that endpoint is disposed or its
/// process exits or dies.
/// </summary>
public sealed class RingRoleException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ringName">The ring.</param>
    /// <param name="role">"consumer" or "producer".</param>
    /// <param name="holderProcessId">The pid of the holder as recorded in the ring (0 if not recorded yet).</param>
    public RingRoleException(string ringName, string role, int holderProcessId)
        : base($"Ring '{ringName}' already has a {role}: process {holderProcessId} holds the role. It becomes free when that {role} is disposed or its process exits.")
    {
        Role = role;
        HolderProcessId = holderProcessId;
    }

    private RingRoleException(string message, string role)
        : base(message)
    {
        Role = role;
    }

    /// <summary>"consumer" or "producer".</summary>
    public string Role { get; }

    /// <summary>The pid of the process that holds the role (0 when the ring refused a producer for lack of a slot).</summary>
    public int HolderProcessId { get; }

    /// <summary>A producer refused because every slot of the ring's endpoint registry is held.</summary>
    internal static RingRoleException RegistryFull(string ringName, int slots) =>
        new($"Ring '{ringName}' has no room for another producer: its {slots} registry slots are held by attached producers " +
            "(or by dead ones whose last reservation the consumer has not passed yet). Dispose a producer, or let the consumer catch up.",
            "producer");
}
