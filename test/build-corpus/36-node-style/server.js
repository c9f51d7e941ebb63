console.log("listening on 3000");
