print("ikev2")
