replica_locations = ["northeurope"]
