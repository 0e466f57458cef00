namespace ActorFlow.Topology.Dsl;

/// <summary>Turns a key into stable bytes: the key group is murmur3 over them, the same in every process and machine.</summary>
public interface IKeyCodec<in TKey>
{
    /// <summary>The key's stable bytes.</summary>
    byte[] Encode(TKey key);
}
