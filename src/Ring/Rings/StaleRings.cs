using System;

namespace RingIpc;

/// <summary>
/// Reclaims stale rings: rings whose creator and every endpoint are dead (<see cref="RingStatus.IsStale"/>). A ring
/// is only ever reclaimed after a decision made under exclusion, never on a snapshot alone.
/// </summary>
/// <remarks>
/// <para>The reclaimer takes the ring's consumer role (so no consumer attaches, and no second reclaimer runs), then
/// retires the ring — a compare-and-swap of the init state from ready to retired, a full fence — and only then reads
/// the registry and the consumer's line again. A producer attaches by a compare-and-swap of its registry slot (a full
/// fence) and checks the init state after it. So of a producer attaching and a reclaim deciding at the same time, at
/// least one sees the other (Dekker): either the reclaim sees the live producer and gives the ring back (retired →
/// ready), or the producer sees "retired" and is refused with an error that says to open the ring again — never does
/// a producer write into a ring whose name is gone.</para>
/// <para>The name is deleted only if it still names the section the reclaimer mapped (a ring created under the name
/// meanwhile is never deleted). Processes that still map a reclaimed ring keep their mapping; its files are removed
/// with the name (the role lock file by the reclaimer, as it gives the role up).</para>
/// </remarks>
internal static class StaleRings
{
    /// <summary>Deletes <paramref name="ring"/>'s name if the ring is stale.</summary>
    /// <param name="ring">The ring, opened by the caller (who holds no endpoint of it).</param>
    /// <param name="evenWithUnreadMessages">Whether a ring that holds unread messages is reclaimed too.</param>
    /// <param name="reason">Why it was not reclaimed; <c>null</c> if it was.</param>
    /// <returns>Whether the ring's name was deleted.</returns>
    public static bool TryReclaim(SharedRing ring, bool evenWithUnreadMessages, out string? reason)
    {
        if (!IsReclaimable(ring.GetStatus(), evenWithUnreadMessages, judgeConsumer: true, out reason))
        {
            return false;
        }

        RoleLock role;
        try
        {
            role = RoleLock.Take(ring, "consumer", ring.Header.ConsumerPid, ring.Header.ConsumerStartTime);
        }
        catch (RingRoleException exception)
        {
            reason = $"a consumer holds it (pid {exception.HolderProcessId})";
            return false;
        }

        try
        {
            SharedInt32 state = ring.Header.InitState;
            if (!state.CompareAndSwap(RingHeader.InitStateReady, RingHeader.InitStateRetired))
            {
                reason = "another process is reclaiming it";
                return false;
            }

            // Retired (full fence) before the registry is read again: see the remarks. The consumer line names this
            // process now (it holds the role), so only the creator and the producers are judged.
            if (!IsReclaimable(RingStatusReader.Read(ring), evenWithUnreadMessages, judgeConsumer: false, out reason))
            {
                state.CompareAndSwap(RingHeader.InitStateRetired, RingHeader.InitStateReady);
                return false;
            }

            if (!ring.Section.DeleteNameIfStillMine())
            {
                reason = "its name no longer names it (deleted or replaced meanwhile), or this platform cannot tell";
                return false;
            }

            reason = null;
            return true;
        }
        finally
        {
            role.Dispose(); // removes the role's lock file too, once the name is gone
        }
    }

    /// <summary>Whether a snapshot allows a reclaim, and if not, why.</summary>
    /// <param name="status">The snapshot.</param>
    /// <param name="evenWithUnreadMessages">Whether unread messages may be dropped.</param>
    /// <param name="judgeConsumer">Whether the consumer line counts (not when the reclaimer holds the role itself).</param>
    /// <param name="reason">Why not; <c>null</c> if it may.</param>
    public static bool IsReclaimable(RingStatus status, bool evenWithUnreadMessages, bool judgeConsumer, out string? reason)
    {
        reason = LiveUser(status, judgeConsumer);
        if (reason is not null)
        {
            return false;
        }

        if (status.UnreadMessages > 0 && !evenWithUnreadMessages)
        {
            reason = $"it holds {status.UnreadMessages} unread message(s): force the reclaim to drop them";
            return false;
        }

        return true;
    }

    /// <summary>Who still uses the ring, or <c>null</c> if nobody does.</summary>
    private static string? LiveUser(RingStatus status, bool judgeConsumer)
    {
        if (status.CreatorIsAlive)
        {
            return $"its creator (pid {status.CreatorProcessId}) is alive";
        }

        if (judgeConsumer && status.Consumer?.IsAlive == true)
        {
            return $"its consumer (pid {status.Consumer.ProcessId}) is alive";
        }

        foreach (RingEndpointStatus producer in status.Producers)
        {
            if (producer.IsAlive)
            {
                return $"a producer (pid {producer.ProcessId}) is alive";
            }
        }

        return null;
    }
}
