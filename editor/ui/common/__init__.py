"""Pieces several rooms share: view maths and pictures, icons, thumbnails, files, services.

Nothing here imports another room.
"""
